/** Exponential backoff with full jitter: base·2^n, capped, randomised in [½, 1]× to spread retries. */
export function backoffMs(
  retry: number,
  baseMs: number,
  capMs = 30_000,
  random = Math.random,
): number {
  const exp = Math.min(capMs, baseMs * 2 ** retry);
  return Math.round(exp / 2 + (random() * exp) / 2);
}
