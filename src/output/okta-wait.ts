import type { OktaRateLimitWait, OktaRetryWait } from "../okta/progress.js";

/** Pacing pauses shorter than this are not worth a line of their own outside a TTY. */
export const QUIET_PACE_MS = 1000;

/**
 * What okhook is waiting for on Okta and for how long, for a progress line or a stderr line:
 * `rate limited by Okta on /api/v1/logs: waiting 41 s (X-Rate-Limit-Reset)`,
 * `Okta answered 503 on /api/v1/logs: retry 2/3 in 4.0 s`.
 */
export function oktaWaitText(w: OktaRateLimitWait | OktaRetryWait): string {
  const on = `on ${w.path}`;
  if (w.type === "retry") {
    const retry = `retry ${w.attempt}/${w.maxRetries} in ${seconds(w.waitMs)}`;
    if (w.status !== undefined) return `Okta answered ${w.status} ${on}: ${retry}`;
    return `Okta did not answer ${on} (${w.reason}): ${retry}`;
  }
  if (w.reason === "low-remaining") {
    return `Okta rate limit nearly used up ${on}: pausing ${seconds(w.waitMs)} before the next request (X-Rate-Limit-Remaining)`;
  }
  const why =
    w.basis === "reset"
      ? "X-Rate-Limit-Reset"
      : `no usable X-Rate-Limit-Reset, backing off; wait ${w.attempt ?? 1}/${w.maxAttempts ?? "?"}`;
  return `rate limited by Okta (429) ${on}: waiting ${seconds(w.waitMs)} (${why})`;
}

/** Whether a wait deserves its own stderr line when no progress line can show it. */
export function worthALine(w: OktaRateLimitWait | OktaRetryWait): boolean {
  return !(
    w.type === "rate-limit-wait" &&
    w.reason === "low-remaining" &&
    w.waitMs < QUIET_PACE_MS
  );
}

/** `0.4 s`, `4.0 s`, `41 s`: a wait's length as a person reads it. */
export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
