import { randomBytes } from "node:crypto";
import { type Dispatcher, request } from "undici";
import type { StoredHook } from "./hooks.js";
import { oktaId } from "./okta-shapes.js";

/** One outbound HTTP attempt from the fake (verify GET or delivery POST). */
export interface OutboundAttempt {
  status?: number;
  body?: string;
  error?: string;
  timedOut: boolean;
  durationMs: number;
}

/** What one verification did: the challenge sent, each attempt, and the verdict. */
export interface VerificationRecord {
  hookId: string;
  uri: string;
  challenge: string;
  headers: Record<string, string>;
  attempts: OutboundAttempt[];
  ok: boolean;
  reason: string;
}

/** Send one request with a hard timeout; never throws. */
export async function outbound(
  url: string,
  init: {
    method: "GET" | "POST";
    headers: Record<string, string>;
    body?: string;
    timeoutMs: number;
    dispatcher?: Dispatcher;
    /** Maps a hook URI to where it is reachable (the fake "DNS" for tunnel hostnames). */
    resolveUri?: (uri: string) => string;
  },
): Promise<OutboundAttempt> {
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  try {
    const res = await request(init.resolveUri ? init.resolveUri(url) : url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      dispatcher: init.dispatcher,
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const body = await res.body.text();
    return { status: res.statusCode, body, timedOut: false, durationMs: durationMs() };
  } catch (err) {
    const e = err as { name?: string; code?: string; message?: string };
    const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
    return { error: e.code ?? e.message ?? String(err), timedOut, durationMs: durationMs() };
  }
}

/** The headers Okta sends with every call to a hook: auth header and custom headers. */
export function hookHeaders(h: StoredHook): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, value } of h.input.channel.config.headers ?? []) headers[key] = value;
  const auth = h.input.channel.config.authScheme;
  if (auth) headers[auth.key] = auth.value;
  return headers;
}

/**
 * Okta's verification (okta-reference §1): GET with a random challenge, 3 s timeout, one
 * retry after a timeout or an error response; VERIFIED only on 200 JSON echoing it.
 */
export async function verifyEndpoint(
  h: StoredHook,
  opts: { timeoutMs: number; dispatcher?: Dispatcher; resolveUri?: (uri: string) => string },
): Promise<VerificationRecord> {
  const challenge = randomBytes(24).toString("base64url");
  const headers = {
    ...hookHeaders(h),
    "X-Okta-Verification-Challenge": challenge,
    "User-Agent": "Okta-Integrations",
    Accept: "application/json",
    "X-Okta-Request-Id": oktaId("X", 27),
  };
  const uri = h.input.channel.config.uri;
  const record: VerificationRecord = {
    hookId: h.id,
    uri,
    challenge,
    headers,
    attempts: [],
    ok: false,
    reason: "",
  };
  for (let attempt = 1; attempt <= 2; attempt++) {
    const a = await outbound(uri, { method: "GET", headers, ...opts });
    record.attempts.push(a);
    if (a.timedOut) {
      record.reason = `Hook "${h.input.name}" execution failed. Hook timed out`;
      continue;
    }
    if (a.status === undefined || a.status >= 300) {
      record.reason =
        a.status === undefined
          ? `Connection failed: ${a.error}`
          : `Hook endpoint answered ${a.status}`;
      continue;
    }
    Object.assign(record, judgeEcho(a, challenge));
    break;
  }
  return record;
}

function judgeEcho(a: OutboundAttempt, challenge: string): { ok: boolean; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(a.body ?? "");
  } catch {
    return { ok: false, reason: "Could not deserialize response due to error at Line 1 Column 1" };
  }
  const echoed = (parsed as { verification?: unknown } | null)?.verification;
  if (a.status !== 200 || echoed !== challenge) {
    return {
      ok: false,
      reason: "The verification value in the response did not match the challenge",
    };
  }
  return { ok: true, reason: "" };
}
