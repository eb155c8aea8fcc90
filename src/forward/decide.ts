import { backoffMs } from "../backoff.js";
import type { ForwardOutcome } from "../events.js";
import { OKTA_HOOK_TIMEOUT_MS } from "../okta/hook-types.js";
import type { SendOutcome } from "./send.js";

/** Longest wait between two attempts of one delivery, however many retries came before. */
export const FORWARD_BACKOFF_MAX_MS = 30_000;

/** The wait before a forward's n-th retry (from 1), jittered so retries of a burst spread out. */
export function retryDelayMs(n: number, baseMs: number, random = Math.random): number {
  return backoffMs({ attempt: n, baseMs, maxMs: FORWARD_BACKOFF_MAX_MS, jitter: true, random });
}

/** What one forward attempt's result and its circumstances are. */
export interface AttemptFacts {
  /** HTTP status of the answer; null when none came. */
  status: number | null;
  /** Network-level failure (refused, reset, DNS, timeout): the app may come back. */
  network: boolean;
  /** Retries already made for this delivery and target (0: first attempt). */
  retry: number;
  /** `--retries`. */
  retries: number;
  /** The target counts as down after this attempt. */
  targetDown: boolean;
  /** `--retry-delay`: base of the exponential backoff. */
  retryBaseMs: number;
}

/** What follows an attempt: the delivery's next step for this target. */
export interface Decision {
  next: ForwardOutcome["next"];
  /** With `next: "retry"`: the backoff before it goes out. */
  retryInMs?: number;
}

/**
 * The retry/park/fail decision, pure. A 2xx is forwarded. A network error or 5xx is retried
 * after a backoff while retries are left and the target is up (once it is down a retry would
 * only hammer a closed port). A network error otherwise parks: the app is not there, so the
 * delivery waits for it (still `pending`) instead of counting as failed. Anything else, a 4xx
 * or a 5xx out of retries, is the app's answer: failed.
 */
export function decide(f: AttemptFacts, random = Math.random): Decision {
  if (f.status !== null && f.status >= 200 && f.status < 300) return { next: "forwarded" };
  const retryable = f.network || (f.status !== null && f.status >= 500);
  if (retryable && f.retry < f.retries && !f.targetDown)
    return { next: "retry", retryInMs: retryDelayMs(f.retry + 1, f.retryBaseMs, random) };
  return { next: f.network ? "parked" : "failed" };
}

/** Which attempt an outcome is about. */
export interface AttemptRef {
  seq: number;
  deliveryId: string;
  target: string;
  attempt: number;
}

/** The forward event for an attempt and the step decided after it. */
export function attemptOutcome(a: AttemptRef, res: SendOutcome, step: Decision): ForwardOutcome {
  const o: ForwardOutcome = {
    ...a,
    status: res.status,
    error: res.error,
    durationMs: res.durationMs,
    slow: res.durationMs > OKTA_HOOK_TIMEOUT_MS,
    next: step.next,
  };
  if (step.retryInMs !== undefined) o.retryInMs = step.retryInMs;
  return o;
}

/** The forward event for a delivery held, untried (attempt 0), while its target is down. */
export function parkedOutcome(a: Omit<AttemptRef, "attempt">): ForwardOutcome {
  return attemptOutcome(
    { ...a, attempt: 0 },
    { status: null, error: "target down", durationMs: 0 },
    { next: "parked" },
  );
}
