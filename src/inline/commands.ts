// Which command types exist and which hook type each belongs to, plus what every per-type
// judge shares. The lists are the prose references' (REF-TOK, REF-REG, REF-PWD, REF-IMP,
// REF-SAML, REF-TEL), not the OAS examples, which use invalid types (§7 #1, #2).
import { suggest } from "../okta/event-types.js";
import { isObject, parsePointer, type SimOp } from "./patch.js";
import type { InlineTypeName, LintProblem } from "./types.js";

/** Every command type Okta defines, and the hook types that accept it. */
export const COMMAND_TYPES: Record<string, readonly InlineTypeName[]> = {
  "com.okta.identity.patch": ["token"],
  "com.okta.access.patch": ["token"],
  "com.okta.action.update": ["registration", "password-import", "user-import"],
  "com.okta.user.profile.update": ["registration", "user-import"],
  "com.okta.user.progressive.profile.update": ["registration"],
  "com.okta.appUser.profile.update": ["user-import"],
  "com.okta.user.update": ["user-import"],
  "com.okta.assertion.patch": ["saml"],
  "com.okta.telephony.action": ["telephony"],
};

/** The command types one hook type accepts. */
export function commandsOf(type: InlineTypeName): string[] {
  return Object.keys(COMMAND_TYPES).filter((c) => COMMAND_TYPES[c]!.includes(type));
}

/** One entry of `commands`, already checked to be `{type: string, value}`. */
export interface Command {
  type: string;
  value: unknown;
  /** Where it sits: `commands[2]`. */
  at: string;
}

/** Collects findings; `error` findings make the answer unusable. */
export class Findings {
  readonly list: LintProblem[] = [];
  error(message: string, at?: string): void {
    this.list.push({ level: "error", message, ...(at ? { at } : {}) });
  }
  warn(message: string, at?: string): void {
    this.list.push({ level: "warning", message, ...(at ? { at } : {}) });
  }
  /** The first error's message, the reason a verdict quotes. */
  firstError(): string | undefined {
    return this.list.find((p) => p.level === "error")?.message;
  }
}

/** What a per-type judge decides about well-formed commands. */
export type Judgement =
  | { outcome: "applied"; okta: string }
  | { outcome: "default" }
  | { outcome: "invalid" };

/** Judges the commands of one hook type against the request they answer. */
export type Judge = (commands: Command[], request: unknown, findings: Findings) => Judgement;

/**
 * Report a command type this hook type does not accept: another type's command, or one
 * Okta does not have at all (with the nearest valid name). True when it is acceptable.
 */
export function checkCommandType(cmd: Command, hook: InlineTypeName, f: Findings): boolean {
  const owners = COMMAND_TYPES[cmd.type];
  if (owners?.includes(hook)) return true;
  if (owners) {
    f.error(
      `${cmd.type} is a ${owners.join("/")} hook command, not a ${hook} one`,
      `${cmd.at}.type`,
    );
    return false;
  }
  f.error(
    `unknown command type ${JSON.stringify(cmd.type)} (${typeHint(cmd.type, hook)})`,
    `${cmd.at}.type`,
  );
  return false;
}

/**
 * Names Okta's own docs get wrong: the management OpenAPI spec's registration examples
 * (ProfileEnrollmentResponse…) answer with `com.action.update`, which its own enum, prose and
 * SDKs spell `com.okta.action.update`.
 */
const MISSPELLED: Record<string, string> = { "com.action.update": "com.okta.action.update" };

/** The nearest valid name for this hook type, else every command type it takes. */
function typeHint(type: string, hook: InlineTypeName): string {
  const valid = commandsOf(hook);
  const meant = MISSPELLED[type];
  const hint = meant && valid.includes(meant) ? meant : suggest(type, valid);
  if (hint) return `did you mean ${hint}?`;
  return `a ${hook} hook takes ${valid.join(", ")}`;
}

/** The value as an object, or undefined after reporting what it is instead. */
export function objectValue(
  cmd: Command,
  f: Findings,
  example: string,
): Record<string, unknown> | undefined {
  if (isObject(cmd.value)) return cmd.value;
  f.error(
    `${cmd.type} needs an object value like ${example}, not ${describeJson(cmd.value)}`,
    `${cmd.at}.value`,
  );
  return undefined;
}

/** Check `value[key]` is one of `allowed`; the value, or undefined after reporting. */
export function enumField(
  cmd: Command,
  value: Record<string, unknown>,
  key: string,
  allowed: readonly string[],
  f: Findings,
): string | undefined {
  const v = value[key];
  if (typeof v === "string" && allowed.includes(v)) return v;
  const wrongCase =
    typeof v === "string" && allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  const hint = wrongCase ? ` (Okta compares exactly: ${wrongCase})` : "";
  f.error(
    `${cmd.type} value.${key} must be ${allowed.join(" or ")}, not ${describeJson(v)}${hint}`,
    `${cmd.at}.value.${key}`,
  );
  return undefined;
}

/** The value as a list of patch ops (token and SAML hooks), or undefined after reporting. */
export function opList(cmd: Command, f: Findings): unknown[] | undefined {
  if (Array.isArray(cmd.value)) return cmd.value;
  f.error(
    `${cmd.type} needs an array of {op, path, value}, not ${describeJson(cmd.value)}`,
    `${cmd.at}.value`,
  );
  return undefined;
}

/**
 * One op of an op list checked for shape, op name and JSON pointer; undefined after
 * reporting. `notTaken` ends the message for an op this hook type does not take.
 */
export function readOp(
  raw: unknown,
  at: string,
  ops: readonly SimOp["op"][],
  notTaken: string,
  f: Findings,
): SimOp | undefined {
  if (!isObject(raw)) {
    f.error(`each op must be an object {op, path, value}, not ${describeJson(raw)}`, at);
    return undefined;
  }
  const { op, path } = raw;
  if (!ops.includes(op as SimOp["op"])) {
    f.error(`op ${describeJson(op)}${notTaken}`, `${at}.op`);
    return undefined;
  }
  if (typeof path !== "string") {
    f.error(`path must be a string like /claims/<name>, not ${describeJson(path)}`, `${at}.path`);
    return undefined;
  }
  const p = parsePointer(path);
  if ("error" in p) {
    f.error(p.error, `${at}.path`);
    return undefined;
  }
  const name = op as SimOp["op"];
  return { op: name, path, segments: p.segments, value: raw.value, hasValue: "value" in raw };
}

/** `a string "x"`, `an array`, `null`, `missing`: how a wrong value is named in a message. */
export function describeJson(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string")
    return `the string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}…` : v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

/** Names of an object's keys as a short list: `firstName, lastName`. */
export function keyList(o: Record<string, unknown>, max = 5): string {
  const keys = Object.keys(o);
  return keys.slice(0, max).join(", ") + (keys.length > max ? `, +${keys.length - max}` : "");
}
