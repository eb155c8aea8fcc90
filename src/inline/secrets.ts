// Secrets inside inline hook requests (research §6): the plaintext password of a password
// import (data.context.credential.password) and the telephony OTP (data.messageProfile.otpCode,
// also spelled out inside messageProfile.msgTemplate). They never reach the database, the WAL,
// output or logs: each is overwritten in the raw bytes by `*` of the same byte length, so
// the stored body stays valid JSON of the same size, every other byte as Okta sent it.
import { formatPath, type PathSegment } from "../payload/edit.js";
import { stringSpans } from "./json-spans.js";
import { isObject } from "./patch.js";

/** Byte written over a secret. */
export const SECRET_MARK = "*";
// Keys whose string value is a secret wherever they appear in an inline request: Okta's
// own (password, otpCode), so a request of an unexpected shape is masked too.
const SECRET_KEYS = new Set(["password", "otpCode"]);
const MARK_BYTE = SECRET_MARK.charCodeAt(0);
/** Shorter secrets are masked only where they sit, not searched for elsewhere. */
const MIN_SEARCH_CHARS = 4;

/** One secret of a request: where it is, what it is, its value (kept in memory only). */
export interface RequestSecret {
  path: string;
  what: "password" | "OTP";
  value: string;
}

/** What redaction changed: paths in `--set` syntax and how many bytes each covered. */
export interface RedactedField {
  path: string;
  what: string;
  bytes: number;
}

/** The secrets a parsed request carries (any type: keys are matched by name). */
export function secretsOf(request: unknown): RequestSecret[] {
  const out: RequestSecret[] = [];
  eachSecret(request, (v, path, key) => {
    // OAS TelephonyPayloadExample sends otpCode as a number (§7 #7): mask that too.
    const text = typeof v === "number" ? String(v) : v;
    if (typeof text !== "string" || text === "" || isMasked(text)) return;
    out.push({
      path: formatPath(path),
      what: key === "password" ? "password" : "OTP",
      value: text,
    });
  });
  return out;
}

/** Call `fn` for each value under a secret key; other values are searched recursively. */
function eachSecret(
  node: unknown,
  fn: (value: unknown, path: PathSegment[], key: string) => void,
  path: PathSegment[] = [],
): void {
  if (Array.isArray(node)) {
    for (const [index, v] of node.entries()) eachSecret(v, fn, [...path, { kind: "index", index }]);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, v] of Object.entries(node)) {
    const here: PathSegment[] = [...path, { kind: "key", key }];
    if (SECRET_KEYS.has(key)) fn(v, here, key);
    else eachSecret(v, fn, here);
  }
}

/**
 * The request body with every secret overwritten, and what was overwritten. A body that is
 * not JSON is returned unchanged (it is no Okta request; the caller keeps only its start).
 */
export function redactRequest(body: Uint8Array): { body: Buffer; redacted: RedactedField[] } {
  const raw = Buffer.from(body);
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString("utf8"));
  } catch {
    return { body: raw, redacted: [] };
  }
  const redacted: RedactedField[] = [];
  const parts: Buffer[] = [];
  let from = 0;
  const spans = stringSpans(
    raw,
    (p) => typeof p.at(-1) === "string" && SECRET_KEYS.has(p.at(-1) as string),
  );
  for (const s of spans) {
    const text = raw.subarray(s.start, s.end).toString("utf8");
    if (s.kind === "literal" && !/^-?\d/.test(text)) continue; // null, true, false: no secret
    if (s.end === s.start || (s.kind === "string" && isMasked(text))) continue;
    // A number becomes a masked string: two bytes longer, the only change of length.
    const mask = SECRET_MARK.repeat(s.end - s.start);
    parts.push(raw.subarray(from, s.start), Buffer.from(s.kind === "string" ? mask : `"${mask}"`));
    from = s.end;
    const what = s.path.at(-1) === "password" ? "password" : "OTP";
    redacted.push({ path: formatPath(toSegments(s.path)), what, bytes: s.end - s.start });
  }
  parts.push(raw.subarray(from));
  const out = Buffer.concat(parts);
  // The OTP is also spelled out in the SMS template, and a secret may be echoed elsewhere.
  const hits = maskOccurrences(
    out,
    secretsOf(doc).map((s) => s.value),
  );
  if (hits > 0)
    redacted.push({ path: "(elsewhere in the body)", what: "copies of a secret", bytes: hits });
  return { body: out, redacted };
}

/** An answer (or any bytes) with every copy of the request's secrets overwritten. */
export function redactCopies(bytes: Uint8Array, secrets: readonly RequestSecret[]): Buffer {
  const out = Buffer.from(bytes);
  maskOccurrences(
    out,
    secrets.map((s) => s.value),
  );
  return out;
}

/** Overwrite each value, as UTF-8 and as JSON-escaped text; the number of bytes masked. */
function maskOccurrences(buf: Buffer, values: readonly string[]): number {
  let masked = 0;
  for (const v of values) {
    if ([...v].length < MIN_SEARCH_CHARS) continue;
    for (const form of new Set([v, JSON.stringify(v).slice(1, -1)])) {
      const needle = Buffer.from(form);
      for (let at = buf.indexOf(needle); at !== -1; at = buf.indexOf(needle, at + needle.length)) {
        buf.fill(MARK_BYTE, at, at + needle.length);
        masked += needle.length;
      }
    }
  }
  return masked;
}

/** True when a value is nothing but the redaction mark (what a redacted secret reads as). */
export function isMasked(v: string): boolean {
  return v.length > 0 && [...v].every((c) => c === SECRET_MARK);
}

/**
 * The `--set` a replay of this stored request needs: one per secret that was redacted
 * (`data.context.credential.password`). The template's OTP is refilled from the new otpCode.
 */
export function requiredSecrets(request: unknown): { path: string; what: string }[] {
  const out: { path: string; what: string }[] = [];
  eachSecret(request, (v, path, key) => {
    if (typeof v === "string" && isMasked(v)) {
      out.push({ path: formatPath(path), what: key === "password" ? "password" : "OTP" });
    }
  });
  return out;
}

/**
 * After `--set data.messageProfile.otpCode=…`, put the new OTP where the template's masked
 * copy was (same length as the old code). Returns the number of places filled.
 */
export function refillTemplate(request: unknown): number {
  const profile =
    isObject(request) && isObject(request.data) ? request.data.messageProfile : undefined;
  if (!isObject(profile)) return 0;
  const { otpCode, msgTemplate } = profile;
  if (typeof otpCode !== "string" || typeof msgTemplate !== "string" || isMasked(otpCode)) return 0;
  let filled = 0;
  const run = SECRET_MARK.repeat(Buffer.byteLength(otpCode));
  profile.msgTemplate = msgTemplate.replace(
    new RegExp(`(?<!\\*)${escapeRegExp(run)}(?!\\*)`, "g"),
    () => {
      filled++;
      return otpCode;
    },
  );
  return filled;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function toSegments(path: readonly (string | number)[]): PathSegment[] {
  return path.map((p) =>
    typeof p === "number" ? { kind: "index", index: p } : { kind: "key", key: p },
  );
}
