/** Headers as undici returns them: repeated headers arrive as arrays. */
export type HeaderValue = string | string[] | undefined;
export type ResponseHeaders = Record<string, HeaderValue>;

/** Shortest wait after a 429, in case clocks or headers say the window already reset. */
export const RATE_LIMIT_MIN_WAIT_MS = 1_000;
/** Longest single wait after a 429 (Okta windows are per minute). */
export const RATE_LIMIT_MAX_WAIT_MS = 120_000;
/** Below this share of the quota left, calls are spaced out before Okta starts refusing. */
export const LOW_REMAINING_RATIO = 0.1;
/** Longest pause inserted between calls while the quota is low (but not empty). */
export const LOW_REMAINING_MAX_PAUSE_MS = 2_000;
/** Ceiling of one exponential backoff step for 5xx and network errors. */
export const BACKOFF_MAX_MS = 10_000;

/** What the X-Rate-Limit-* and Date headers of one response say. */
export interface RateLimitState {
  limit?: number;
  remaining?: number;
  /** X-Rate-Limit-Reset in epoch ms. */
  resetAtMs?: number;
  /** The response's Date header in epoch ms (the server's clock). */
  serverDateMs?: number;
}

/** A single header value, or undefined when missing, repeated or comma-joined. */
export function singleHeader(value: HeaderValue): string | undefined {
  if (value === undefined || Array.isArray(value) || value.includes(",")) {
    // A Date header legitimately holds a comma: callers read it with rawHeader instead.
    return undefined;
  }
  return value.trim();
}

function intHeader(value: HeaderValue): number | undefined {
  const s = singleHeader(value);
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  return Number(s);
}

function dateHeader(value: HeaderValue): number | undefined {
  const s = Array.isArray(value) ? value[0] : value;
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

/** Read the rate-limit headers of a response. */
export function readRateLimit(headers: ResponseHeaders): RateLimitState {
  const reset = intHeader(headers["x-rate-limit-reset"]);
  return {
    limit: intHeader(headers["x-rate-limit-limit"]),
    remaining: intHeader(headers["x-rate-limit-remaining"]),
    resetAtMs: reset === undefined ? undefined : reset * 1000,
    serverDateMs: dateHeader(headers.date),
  };
}

/**
 * How long to wait after a 429: `Reset × 1000 − Date + 1000` on the server's clock (the
 * Okta SDK's rule). Undefined when Reset is missing or ambiguous: back off instead.
 */
export function rateLimitWaitMs(state: RateLimitState, localNowMs: number): number | undefined {
  if (state.resetAtMs === undefined) return undefined;
  const now = state.serverDateMs ?? localNowMs;
  return clamp(state.resetAtMs - now + 1000, RATE_LIMIT_MIN_WAIT_MS, RATE_LIMIT_MAX_WAIT_MS);
}

/** A pause before the next call when little quota is left: spread the rest until the reset. */
export function lowRemainingPauseMs(state: RateLimitState, localNowMs: number): number {
  const { limit, remaining, resetAtMs } = state;
  if (limit === undefined || remaining === undefined || resetAtMs === undefined || limit <= 0) {
    return 0;
  }
  if (remaining >= limit * LOW_REMAINING_RATIO) return 0;
  const untilReset = resetAtMs - (state.serverDateMs ?? localNowMs);
  if (untilReset <= 0) return 0;
  if (remaining === 0) return clamp(untilReset + 1000, 0, RATE_LIMIT_MAX_WAIT_MS);
  return clamp(Math.ceil(untilReset / (remaining + 1)), 0, LOW_REMAINING_MAX_PAUSE_MS);
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
