import type { InlineHookInput } from "../../../src/okta/inline-hooks.js";
import { type FakeReply, oktaError } from "./okta-shapes.js";
import type { OutboundAttempt } from "./verify.js";

// Validation and replies of the fake Inline Hooks API (research §4.2, §4.4). Codes for the
// undocumented cases are assumptions (400 E0000001), as noted in inline-hooks.ts.

/** The input and state the rules look at. */
export interface HookLike {
  input: InlineHookInput;
}

/** Headers Okta sends to an inline hook: Accept, Content-Type, custom headers, auth. */
export function channelHeaders(h: HookLike): Record<string, string> {
  const headers: Record<string, string> = {
    Accept: "application/json",
    "Content-Type": "application/json",
  };
  for (const { key, value } of h.input.channel.config.headers ?? []) headers[key] = value;
  const auth = h.input.channel.config.authScheme;
  if (auth) headers[auth.key] = auth.value;
  return headers;
}

export function answerOf(a: OutboundAttempt): FakeReply {
  if (a.status === 204) return { status: 200, body: {} };
  try {
    const parsed: unknown = JSON.parse(a.body ?? "");
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      return { status: 200, text: a.body!, contentType: "application/json" };
  } catch {
    // fall through: not the data contract
  }
  return invalid(["The inline hook response did not match the data contract for this hook type"]);
}

export function validate(b: Partial<InlineHookInput> | null, allowHttpLoopback: boolean): string[] {
  if (!b || typeof b !== "object") return ["The request body was not well-formed."];
  const causes: string[] = [];
  if (typeof b.name !== "string" || b.name.length < 1 || b.name.length > 255)
    causes.push("name: must be 1 to 255 characters");
  if (b.version !== "1.0.0") causes.push("version: must be 1.0.0");
  const ch = b.channel;
  if (ch?.type !== "HTTP") causes.push("channel.type: must be HTTP");
  if (ch?.version !== "1.0.0") causes.push("channel.version: must be 1.0.0");
  if (ch?.config?.method !== "POST") causes.push("channel.config.method: must be POST");
  if (!uriOk(ch?.config?.uri, allowHttpLoopback))
    causes.push("channel.config.uri: must be an https URL of at most 1024 characters");
  const auth = ch?.config?.authScheme;
  if (
    auth &&
    (auth.type !== "HEADER" || typeof auth.key !== "string" || typeof auth.value !== "string")
  ) {
    causes.push("channel.config.authScheme: type HEADER with key and value is required");
  }
  if (b.type === "com.okta.telephony.provider" && !auth)
    causes.push("channel.config.authScheme: required for telephony inline hooks");
  if ((ch?.config?.headers ?? []).some((h) => /^(accept|content-type)$/i.test(h.key)))
    causes.push("channel.config.headers: reserved header");
  return causes;
}

function uriOk(uri: unknown, allowHttpLoopback: boolean): boolean {
  if (typeof uri !== "string" || uri.length > 1024 || /\s/.test(uri)) return false;
  try {
    const u = new URL(uri);
    if (u.protocol === "https:") return true;
    return (
      allowHttpLoopback && u.protocol === "http:" && /^(127\.|\[::1\]$|localhost$)/.test(u.hostname)
    );
  } catch {
    return false;
  }
}

export function invalid(causes: string[]): FakeReply {
  return oktaError(400, "E0000001", "Api validation failed: inlineHook", causes);
}

export function notFound(id: string): FakeReply {
  return oktaError(404, "E0000007", `Not found: Resource not found: ${id} (InlineHook)`);
}
