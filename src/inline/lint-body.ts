// The body of a 200 answer: size, JSON, the response envelope ({commands, error,
// debugContext}), the `error` object and its per-type meaning, then the type's commands.
// Research §2.2, §2.3, §8 checks 4–16.
import { type Command, describeJson, type Findings, type Judge } from "./commands.js";
import {
  CONTRACTS,
  DEFAULT_ERROR_SUMMARY,
  INLINE_MAX_RESPONSE_BYTES,
  RESPONSE_KEYS,
} from "./contract.js";
import { type Decision, fromJudgement, invalidDecision } from "./decision.js";
import { judgePasswordImport, judgeUserImport } from "./judge-import.js";
import { judgeRegistration, registrationKind, registrationWords } from "./judge-registration.js";
import { judgeSaml } from "./judge-saml.js";
import { judgeTelephony } from "./judge-telephony.js";
import { judgeToken } from "./judge-token.js";
import type { LintInput } from "./lint.js";
import { isObject } from "./patch.js";
import { secretsOf } from "./secrets.js";
import type { InlineTypeName } from "./types.js";

const JUDGES: Record<InlineTypeName, Judge> = {
  token: judgeToken,
  registration: judgeRegistration,
  "password-import": judgePasswordImport,
  "user-import": judgeUserImport,
  saml: judgeSaml,
  telephony: judgeTelephony,
};
const CAUSE_FIELDS = ["errorSummary", "reason", "locationType", "location", "domain"];

/** Lint a 200 (or other 2xx) body and decide what Okta does with it. */
export function lintBody(input: LintInput, f: Findings): Decision {
  const invalid = (message: string) => {
    f.error(message);
    return invalidDecision(input.type, f);
  };
  const body = Buffer.from(input.body ?? new Uint8Array());
  const size = input.bodyBytes ?? body.length;
  if (size >= INLINE_MAX_RESPONSE_BYTES) {
    // SIZE: "< 256 KB"; what Okta does above it is undocumented (treated as a failed call).
    return invalid(`the answer is ${kib(size)}; Okta takes less than 256 KB`);
  }
  if (size === 0) {
    const fix = CONTRACTS[input.type].allows204
      ? "answer 204 or {} for the default action"
      : "answer 200 with commands";
    return invalid(`an empty 200: Okta can't read it (${fix})`);
  }
  const parsed = parseJson(body.toString("utf8"));
  if ("error" in parsed) return invalid(parsed.error);
  if (!isObject(parsed.value)) {
    return invalid(`the answer is ${describeJson(parsed.value)}, not a JSON object`);
  }
  checkContentType(input.headers, f);
  return lintEnvelope(input, parsed.value, f);
}

function lintEnvelope(input: LintInput, answer: Record<string, unknown>, f: Findings): Decision {
  for (const key of Object.keys(answer)) {
    if ((RESPONSE_KEYS as readonly string[]).includes(key)) continue;
    const lower = RESPONSE_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    // OAS RegistrationResponse spells the key `Error` (§7 #9): Okta reads lower-case `error`.
    f.warn(
      lower
        ? `"${key}" is ignored: Okta reads "${lower}"`
        : `"${key}" is ignored: Okta reads only commands, error and debugContext`,
      key,
    );
  }
  checkDebugContext(input, answer.debugContext, f);
  const error = answer.error;
  if (error !== undefined && error !== null) {
    if (!isObject(error)) {
      // OAS TelephonyFailureResponse sends an array here (§7 #6).
      f.error(
        `error must be an object {errorSummary, errorCauses}, not ${describeJson(error)}`,
        "error",
      );
      return invalidDecision(input.type, f);
    }
    checkErrorShape(error, f);
    if (answer.commands !== undefined) {
      f.warn(
        input.type === "registration"
          ? "commands are ignored when error is present (even {})"
          : "commands next to error are ignored",
        "commands",
      );
    }
    return errorDecision(input, error);
  }
  if (error === null)
    f.warn("error: null is not an error object; Okta reads the commands", "error");
  const commands = readCommands(answer.commands, f);
  if (!commands) return invalidDecision(input.type, f);
  return fromJudgement(input.type, JUDGES[input.type](commands, input.request, f), f);
}

function readCommands(raw: unknown, f: Findings): Command[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    f.error(`commands must be an array, not ${describeJson(raw)}`, "commands");
    return undefined;
  }
  const out: Command[] = [];
  raw.forEach((c, i) => {
    const at = `commands[${i}]`;
    if (!isObject(c))
      f.error(`each command must be an object {type, value}, not ${describeJson(c)}`, at);
    else if (typeof c.type !== "string")
      f.error(`the command has no type (a string like com.okta.action.update)`, `${at}.type`);
    else if (!("value" in c)) f.error(`${c.type} has no value`, `${at}.value`);
    else out.push({ type: c.type, value: c.value, at });
  });
  return out.length === raw.length ? out : undefined;
}

function errorDecision(input: LintInput, error: Record<string, unknown>): Decision {
  const summary =
    typeof error.errorSummary === "string" ? error.errorSummary : DEFAULT_ERROR_SUMMARY;
  const q = JSON.stringify(summary);
  switch (input.type) {
    case "token": // REF-TOK "error"; OAS TokenHookResponse.error
      return {
        outcome: "error",
        okta: `Okta issues no token: the client gets OAuth error server_error, ${q}`,
        basis: "documented",
      };
    case "registration": {
      // REF-REG note; PR#253: any error object stops every command and denies.
      const kind = registrationKind(input.request);
      const w = registrationWords(kind);
      const causes = (Array.isArray(error.errorCauses) ? error.errorCauses : [])
        .map((c) =>
          isObject(c) && typeof c.errorSummary === "string"
            ? JSON.stringify(c.errorSummary)
            : undefined,
        )
        .filter(Boolean);
      const sees = causes.length ? causes.join(", ") : JSON.stringify(w.deniedDefault);
      return {
        outcome: "error",
        okta: `Okta denies the ${w.what}; the user sees ${sees}`,
        basis: "documented",
      };
    }
    case "password-import": // REF-PWD and OAS PasswordImportResponse define no error object
      return {
        outcome: "error",
        okta: 'Undocumented: a password import answer has no error object (reject the password with com.okta.action.update {"credential": "UNVERIFIED"})',
        basis: "undocumented",
      };
    case "user-import": // REF-IMP; OAS: failure event logged, effect on the user undocumented
      return {
        outcome: "error",
        okta: `Okta logs a failure event with ${q} (what happens to this user is undocumented)`,
        basis: "documented",
      };
    case "saml": // RN-2019 "Error Object in SAML assertion inline hook"; REF-SAML
      return {
        outcome: "error",
        okta: `Okta denies the SAML request and shows an error page: ${q}`,
        basis: "documented",
      };
    case "telephony": // REF-TEL; OAS Troubleshoot
      return {
        outcome: "error",
        okta: `Your provider failed (${q}): Okta sends the OTP through its own providers`,
        basis: "documented",
      };
  }
}

function checkErrorShape(error: Record<string, unknown>, f: Findings): void {
  if (typeof error.errorSummary !== "string") {
    f.warn(`error.errorSummary is missing: Okta shows its default message`, "error.errorSummary");
  }
  const causes = error.errorCauses;
  if (causes === undefined) return;
  if (!Array.isArray(causes)) {
    f.warn(
      `error.errorCauses should be an array, not ${describeJson(causes)}`,
      "error.errorCauses",
    );
    return;
  }
  for (const [i, c] of causes.entries()) {
    const at = `error.errorCauses[${i}]`;
    if (!isObject(c)) {
      f.warn(`each cause should be an object, not ${describeJson(c)}`, at);
      continue;
    }
    const missing = CAUSE_FIELDS.filter((k) => typeof c[k] !== "string");
    if (missing.length) f.warn(`cause lacks ${missing.join(", ")} (CON lists all five)`, at);
    if (
      c.locationType !== undefined &&
      !["body", "header", "url", "query"].includes(String(c.locationType))
    ) {
      f.warn(`locationType should be body, header, url or query`, `${at}.locationType`);
    }
  }
}

function checkDebugContext(input: LintInput, debug: unknown, f: Findings): void {
  if (debug === undefined) return;
  if (!isObject(debug)) {
    f.warn(`debugContext should be an object, not ${describeJson(debug)}`, "debugContext");
    return;
  }
  const text = JSON.stringify(debug);
  for (const s of secretsOf(input.request)) {
    if (text.includes(s.value)) {
      f.warn(
        `debugContext contains the request's ${s.what}: it ends up in Okta's System Log`,
        "debugContext",
      );
    }
  }
}

function checkContentType(headers: LintInput["headers"], f: Findings): void {
  const raw = headers?.["content-type"];
  const ct = String(Array.isArray(raw) ? raw[0] : (raw ?? ""));
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(ct)) {
    // Okta's own Node samples send text/html and work (§2.3): a warning, not an error.
    f.warn(`Content-Type is ${ct ? JSON.stringify(ct) : "missing"}; send application/json`);
  }
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message);
    const pos = at ? Number(at[1]) : text.length;
    const before = text.slice(0, pos).split("\n");
    // KB-DESER: the System Log's wording for a body that is not JSON.
    return {
      error: `not JSON: Could not deserialize inline hook response due to error at Line ${before.length} Column ${before.at(-1)!.length + 1}`,
    };
  }
}

function kib(n: number): string {
  return `${Math.round(n / 1024)} KB (${n} bytes)`;
}
