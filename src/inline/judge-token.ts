// Token inline hook (com.okta.oauth2.tokens.transform), research §3.1: commands
// com.okta.identity.patch / com.okta.access.patch, each an array of add/replace/remove ops
// on /claims/… or a replace of /token/lifetime/expiration (300–86,400 s). Any failing op
// drops the whole result and Okta issues the token unmodified (REF-TOK Troubleshoot).
import {
  type Command,
  checkCommandType,
  describeJson,
  type Findings,
  type Judge,
  opList,
  readOp,
} from "./commands.js";
import { applyOp, isObject, lookup, type SimOp } from "./patch.js";

/** Lifetime bounds in seconds (REF-TOK; OAS TokenHookResponse). */
export const TOKEN_LIFETIME_MIN_S = 300;
/** Upper lifetime bound in seconds. */
export const TOKEN_LIFETIME_MAX_S = 86_400;

// REF-TOK "Reserved claims for Token Hooks" (§3.1): can't be added, replaced or removed.
const RESERVED_BOTH = "acr auth_time cid cnf exp groups iat iss jti sid token_type ver";
const RESERVED_ID_ONLY =
  "active aid amr app_id app_type at_hash aud c_hash client_id client_ip client_req_id client_type " +
  "client_user_agent device_compliance device_id device_known device_managed device_name " +
  "device_trust did dst group hotk idp idp_iss mac_key may_act nonce oid okta_emailVerified " +
  "okta_lastUpdated orig permissions purpose pwd_exp_days pwd_exp_time rid role scope scopes " +
  "sub term user_ip";
// `aud` and `sub` may be changed in access tokens, never in ID tokens (REF-TOK, OAS).
const RESERVED_ACCESS_ONLY = "as_uri authorization_details rpt rsi scp uid username";

const RESERVED = {
  identity: new Set(`${RESERVED_BOTH} ${RESERVED_ID_ONLY}`.split(" ")),
  access: new Set(`${RESERVED_BOTH} ${RESERVED_ACCESS_ONLY}`.split(" ")),
};

const TOKEN_OPS = ["add", "replace", "remove"] as const;

type TokenKind = "identity" | "access";
const KIND_OF: Record<string, TokenKind> = {
  "com.okta.identity.patch": "identity",
  "com.okta.access.patch": "access",
};
const LABEL: Record<TokenKind, string> = { identity: "ID token", access: "access token" };

/** Judge token hook commands against the tokens the request mints. */
export const judgeToken: Judge = (commands, request, f) => {
  const data = (isObject(request) && isObject(request.data) ? request.data : {}) as Record<
    string,
    unknown
  >;
  // Simulate on copies so an op sees what the ops before it did.
  const docs: Record<TokenKind, unknown> = {
    identity: structuredClone(data.identity),
    access: structuredClone(data.access),
  };
  const changes: string[] = [];
  let ok = true;
  for (const cmd of commands) {
    if (!checkCommandType(cmd, "token", f)) {
      ok = false;
      continue;
    }
    const kind = KIND_OF[cmd.type]!;
    if (!isObject(docs[kind])) {
      // REF-TOK: e.g. com.okta.access.patch when only an ID token is being minted.
      f.error(
        `${cmd.type} patches the ${LABEL[kind]}, but this request mints none (no data.${kind})`,
        `${cmd.at}.type`,
      );
      ok = false;
      continue;
    }
    ok = patchToken(cmd, kind, docs[kind] as Record<string, unknown>, f, changes) && ok;
  }
  if (!ok) return { outcome: "invalid" };
  if (changes.length === 0) return { outcome: "default" };
  return {
    outcome: "applied",
    okta: `Okta issues the token with these changes: ${changes.join("; ")}`,
  };
};

function patchToken(
  cmd: Command,
  kind: TokenKind,
  doc: Record<string, unknown>,
  f: Findings,
  changes: string[],
): boolean {
  const ops = opList(cmd, f);
  if (!ops) return false;
  let ok = true;
  ops.forEach((raw, i) => {
    const at = `${cmd.at}.value[${i}]`;
    const op = tokenOp(raw, at, kind, f);
    if (!op) {
      ok = false;
      return;
    }
    if (op.op === "add" && op.segments.length === 2 && lookup(doc, op.segments).found) {
      f.warn(
        `add on the existing claim ${op.segments[1]} overwrites it (Okta's docs advise replace)`,
        at,
      );
    }
    const failure = applyOp(doc, op);
    if (failure) {
      f.error(failure, `${at}.path`);
      ok = false;
      return;
    }
    changes.push(
      `${LABEL[kind]} ${op.op} ${op.path}${op.op === "remove" ? "" : ` = ${short(op.value)}`}`,
    );
  });
  return ok;
}

/** One op checked for shape, path, reserved claim and lifetime; undefined after reporting. */
function tokenOp(raw: unknown, at: string, kind: TokenKind, f: Findings): SimOp | undefined {
  const sim = readOp(
    raw,
    at,
    TOKEN_OPS,
    " is not one Okta applies to tokens (add, replace, remove)",
    f,
  );
  if (!sim) return undefined;
  const { op, path, segments } = sim;
  if (segments[0] === "token") return lifetimeOp(sim, at, f);
  if (segments[0] !== "claims" || segments.length < 2 || segments[1] === "") {
    f.error(`path ${path} is neither /claims/<name> nor /token/lifetime/expiration`, `${at}.path`);
    return undefined;
  }
  if (segments.slice(1).some((s) => s === "")) {
    f.error(
      `path ${path} has an empty segment: a claim name with / must escape it as ~1`,
      `${at}.path`,
    );
    return undefined;
  }
  const claim = segments[1]!;
  if (RESERVED[kind].has(claim)) {
    f.error(
      `${claim} is a reserved claim of the ${LABEL[kind]}: Okta doesn't let a hook ${op} it`,
      `${at}.path`,
    );
    return undefined;
  }
  return sim;
}

function lifetimeOp(sim: SimOp, at: string, f: Findings): SimOp | undefined {
  if (sim.path !== "/token/lifetime/expiration") {
    f.error(`path ${sim.path}: the only token path is /token/lifetime/expiration`, `${at}.path`);
    return undefined;
  }
  if (sim.op !== "replace") {
    f.error(`/token/lifetime/expiration takes only replace, not ${sim.op}`, `${at}.op`);
    return undefined;
  }
  const v = sim.value;
  if (
    !Number.isInteger(v) ||
    (v as number) < TOKEN_LIFETIME_MIN_S ||
    (v as number) > TOKEN_LIFETIME_MAX_S
  ) {
    f.error(
      `lifetime must be a whole number of seconds from ${TOKEN_LIFETIME_MIN_S} to ${TOKEN_LIFETIME_MAX_S}, not ${describeJson(v)}`,
      `${at}.value`,
    );
    return undefined;
  }
  return sim;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? "undefined";
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
