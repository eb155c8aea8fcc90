/**
 * Inline exchanges still being recorded after Okta got its answer (an app answering late is
 * waited for, to record what it said). Shutdown waits for them up to a grace period, then
 * ends the waits: what the app said so far is recorded as no answer.
 */
export class InlineWork {
  private readonly pending = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  /** Aborted when shutdown stops waiting for late answers. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Follow one exchange's recording until it settles. */
  track(work: Promise<void>): void {
    const settled = work.catch(() => {});
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  /** Wait up to `graceMs` for the recordings, then cut the late waits short and let them finish. */
  async finish(graceMs: number): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(this.pending), grace]);
    clearTimeout(timer);
    this.abort.abort(new Error("okhook is stopping"));
    await Promise.all(this.pending);
  }
}
