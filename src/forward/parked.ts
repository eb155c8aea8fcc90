/**
 * Deliveries held per target while it is down (no attempt made); they go out when a probe
 * sees the target back. `onWaiting` tells the health check whether anything waits, which
 * sets how soon it probes.
 */
export class ParkedDeliveries {
  private readonly byTarget = new Map<string, Set<number>>();

  constructor(private readonly onWaiting: (target: string, waiting: boolean) => void) {}

  /** Hold a delivery for a target; false when it was held already. */
  add(target: string, seq: number): boolean {
    let set = this.byTarget.get(target);
    if (!set) {
      set = new Set<number>();
      this.byTarget.set(target, set);
      this.onWaiting(target, true);
    }
    if (set.has(seq)) return false;
    set.add(seq);
    return true;
  }

  /** Release every delivery held for a target, in the order they were parked. */
  take(target: string): number[] {
    const set = this.byTarget.get(target);
    if (!set) return [];
    this.byTarget.delete(target);
    this.onWaiting(target, false);
    return [...set];
  }

  /** Deliveries waiting, over all targets. */
  count(): number {
    let n = 0;
    for (const s of this.byTarget.values()) n += s.size;
    return n;
  }
}
