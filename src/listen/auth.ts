import { createHash, timingSafeEqual } from "node:crypto";
import type { AuthState, HeaderPairs } from "../store/types.js";
import { REDACTED } from "../text/redact.js";

/** Headers whose values are secrets whatever the configuration: never stored. */
const ALWAYS_REDACTED = new Set(["authorization", "proxy-authorization", "cookie", "x-api-key"]);

const sha256 = (s: string): Buffer => createHash("sha256").update(s).digest();

// The secret's digest, computed once per secret instead of once per request.
let cachedSecret: string | undefined;
let cachedDigest: Buffer = Buffer.alloc(0);

/** Compare the auth header value with the secret in constant time (digests, so lengths leak nothing). */
export function checkAuth(received: string | undefined, secret: string | undefined): AuthState {
  if (secret === undefined) return "none";
  if (received === undefined || received === "") return "missing";
  if (secret !== cachedSecret) {
    cachedDigest = sha256(secret);
    cachedSecret = secret;
  }
  return timingSafeEqual(sha256(received), cachedDigest) ? "ok" : "wrong";
}

/** Raw header list ([k1, v1, k2, v2…]) to pairs, with auth-bearing values replaced by `[redacted]`. */
export function redactHeaders(raw: readonly string[], authHeader: string): HeaderPairs {
  const auth = authHeader.toLowerCase();
  const pairs: HeaderPairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    pairs.push([name, lower === auth || ALWAYS_REDACTED.has(lower) ? REDACTED : raw[i + 1]!]);
  }
  return pairs;
}

/** First value of a header in a pair list, case-insensitively. */
export function headerValue(pairs: HeaderPairs, name: string): string | undefined {
  const lower = name.toLowerCase();
  return pairs.find(([k]) => k.toLowerCase() === lower)?.[1];
}
