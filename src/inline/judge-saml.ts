// SAML assertion inline hook (com.okta.saml.tokens.transform), research §3.5: one command,
// com.okta.assertion.patch, with ops add and replace only (no remove). `add` creates an
// attribute statement /claims/<name> or sets /authentication/sessionLifetime; `replace`
// changes an existing element under /subject, /authentication, /conditions or /claims.
// REF-SAML does not say what Okta does with a bad op or path: the failure rule applies.
import {
  checkCommandType,
  describeJson,
  type Findings,
  type Judge,
  opList,
  readOp,
} from "./commands.js";
import { applyOp, isObject, lookup, type SimOp } from "./patch.js";

const REPLACEABLE = ["subject", "authentication", "conditions", "claims"];

/** Judge SAML hook commands against the request's assertion. */
export const judgeSaml: Judge = (commands, request, f) => {
  const data = isObject(request) && isObject(request.data) ? request.data : {};
  const assertion = structuredClone(isObject(data.assertion) ? data.assertion : {});
  const changes: string[] = [];
  let ok = true;
  for (const cmd of commands) {
    if (!checkCommandType(cmd, "saml", f)) {
      ok = false;
      continue;
    }
    const ops = opList(cmd, f);
    if (!ops) {
      ok = false;
      continue;
    }
    ops.forEach((raw, i) => {
      const at = `${cmd.at}.value[${i}]`;
      const op = samlOp(raw, at, assertion, f);
      const failure = op && applyOp(assertion, op);
      if (failure) f.error(failure, `${at}.path`);
      if (!op || failure) ok = false;
      else changes.push(`${op.op} ${op.path}`);
    });
  }
  if (!ok) return { outcome: "invalid" };
  if (changes.length === 0) return { outcome: "default" };
  return {
    outcome: "applied",
    okta: `Okta sends the assertion with these changes: ${changes.join("; ")}`,
  };
};

function samlOp(raw: unknown, at: string, assertion: object, f: Findings): SimOp | undefined {
  const sim = readOp(raw, at, ["add", "replace"], ": SAML hooks take only add and replace", f);
  if (!sim) return undefined;
  if (sim.segments.some((s) => s === "")) {
    // REF-SAML: URI attribute names escape / as ~1 and ~ as ~0.
    f.error(
      `path ${sim.path} has an empty segment: an attribute name with / must escape it as ~1`,
      `${at}.path`,
    );
    return undefined;
  }
  return sim.op === "add" ? addOp(sim, at, assertion, f) : replaceOp(sim, at, f);
}

function addOp(sim: SimOp, at: string, assertion: object, f: Findings): SimOp | undefined {
  const [head, name, ...rest] = sim.segments;
  if (head === "claims" && name !== undefined && rest.length === 0) {
    if (lookup(assertion, sim.segments).found) {
      f.warn(`add on the existing attribute ${name}: use replace to change it`, `${at}.path`);
    }
    return checkClaimShape(sim.value, at, f) ? sim : undefined;
  }
  if (sim.path === "/authentication/sessionLifetime") {
    if (!Number.isInteger(sim.value) || (sim.value as number) <= 0) {
      f.error(
        `sessionLifetime must be a whole number of seconds, not ${describeJson(sim.value)}`,
        `${at}.value`,
      );
      return undefined;
    }
    return sim;
  }
  f.warn(
    `add ${sim.path}: Okta documents add only for /claims/<name> and /authentication/sessionLifetime`,
    `${at}.path`,
  );
  return sim;
}

function replaceOp(sim: SimOp, at: string, f: Findings): SimOp | undefined {
  if (!REPLACEABLE.includes(sim.segments[0] ?? "") || sim.segments.length < 2) {
    f.error(
      `replace ${sim.path}: the path must lie under /subject, /authentication, /conditions or /claims`,
      `${at}.path`,
    );
    return undefined;
  }
  return sim;
}

/** A new attribute statement: {attributes: {NameFormat}, attributeValues: [{attributes, value}]}. */
function checkClaimShape(value: unknown, at: string, f: Findings): boolean {
  const where = `${at}.value`;
  if (!isObject(value)) {
    f.error(
      `a new attribute needs {attributes: {NameFormat}, attributeValues: [...]}, not ${describeJson(value)}`,
      where,
    );
    return false;
  }
  if (!Array.isArray(value.attributeValues) || value.attributeValues.length === 0) {
    f.error(
      'a new attribute needs attributeValues: [{attributes: {"xsi:type"}, value}]',
      `${where}.attributeValues`,
    );
    return false;
  }
  if (!isObject(value.attributes) || typeof value.attributes.NameFormat !== "string") {
    f.warn(
      "attributes.NameFormat is missing: the SP may not read the attribute",
      `${where}.attributes`,
    );
  }
  let ok = true;
  value.attributeValues.forEach((v, i) => {
    if (!isObject(v) || !("value" in v)) {
      f.error(
        'each attribute value needs {attributes: {"xsi:type"}, value}',
        `${where}.attributeValues[${i}]`,
      );
      ok = false;
    }
  });
  return ok;
}
