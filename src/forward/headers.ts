import { isAuthHeader } from "../http-headers.js";
import type { HeaderPairs } from "../store/types.js";

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus those undici computes itself. */
const DROPPED = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "expect",
]);

/** How the auth header is sent on: the secret, another value, or not at all. */
export interface ForwardAuth {
  header: string;
  value: string | undefined;
}

/** Extra `x-okhook-*` headers describing this attempt. */
export interface OkhookHeaders {
  deliveryId: string;
  attempt: number;
  replay: boolean;
  replayOf?: string;
  receivedAt: number;
}

/**
 * Headers for a forward or replay: the stored ones minus hop-by-hop, any stale `x-okhook-*`,
 * and the (redacted) auth header, which is re-added from the current secret.
 */
export function forwardHeaders(
  stored: HeaderPairs,
  auth: ForwardAuth,
  ok: OkhookHeaders,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const authName = auth.header.toLowerCase();
  for (const [name, value] of stored) {
    const lower = name.toLowerCase();
    if (DROPPED.has(lower) || isAuthHeader(lower, authName) || lower.startsWith("x-okhook-"))
      continue;
    const prev = out[lower];
    out[lower] =
      prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  if (auth.value !== undefined) out[authName] = auth.value;
  out["x-okhook-delivery-id"] = ok.deliveryId;
  out["x-okhook-attempt"] = String(ok.attempt);
  out["x-okhook-replay"] = String(ok.replay);
  if (ok.replayOf) out["x-okhook-replay-of"] = ok.replayOf;
  out["x-okhook-original-received-at"] = new Date(ok.receivedAt).toISOString();
  return out;
}
