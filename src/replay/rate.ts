import { setTimeout as sleep } from "node:timers/promises";

/**
 * Spaces starts evenly: the n-th `take()` resolves no earlier than first + n/rate seconds,
 * whatever the concurrency. No burst allowance, so `--rate 200` never exceeds 200 in any second.
 */
export class RateLimiter {
  private nextSlotMs = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.intervalMs = 1000 / perSecond;
  }

  /** Wait for the next slot. Resolves false when `signal` aborts first. */
  async take(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    const now = this.now();
    const slot = Math.max(now, this.nextSlotMs);
    this.nextSlotMs = slot + this.intervalMs;
    if (slot <= now) return true;
    try {
      await sleep(slot - now, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }
}
