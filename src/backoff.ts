/** One exponential backoff step: which wait it is and how it grows. */
export interface BackoffStep {
  /** Which wait this is, from 1: wait 1 is `baseMs`, wait 2 twice that, and so on. */
  attempt: number;
  baseMs: number;
  /** No wait is longer than this (before jitter). */
  maxMs: number;
  /**
   * Randomise each wait into [½, 1]× so clients that failed together do not retry together.
   * Off for waits on a single local thing (a child process, a probe): exact is easier to read.
   */
  jitter: boolean;
  /** Source of randomness for the jitter; tests pass a fixed one. */
  random?: () => number;
}

/** Doublings past this change nothing (every cap is reached) and keep `0 × 2^n` from NaN. */
const MAX_DOUBLINGS = 30;

/** The wait before a retry: `baseMs · 2^(attempt−1)`, capped at `maxMs`, optionally jittered. */
export function backoffMs(step: BackoffStep): number {
  const doublings = Math.min(MAX_DOUBLINGS, Math.max(0, step.attempt - 1));
  const ceiling = Math.min(step.maxMs, step.baseMs * 2 ** doublings);
  if (!step.jitter) return ceiling;
  const random = step.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
