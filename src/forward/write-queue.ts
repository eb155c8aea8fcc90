import type { Store } from "../store/store.js";

interface Pending {
  write: () => void;
  after?: () => void;
}

/**
 * Group commit for the forwarder's bookkeeping: attempt rows and state updates made in one
 * event-loop turn go into one transaction (a commit each cost more than the forward itself),
 * and their notifications run after the commit (write, then emit).
 */
export class WriteQueue {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Queue a write and, optionally, what to do once it is committed. */
  add(write: () => void, after?: () => void): void {
    this.queue.push({ write, after });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Commit everything queued now (also called at shutdown). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      this.store.batch(() => {
        for (const p of batch) p.write();
      });
    } catch (err) {
      this.onError(err);
      return;
    }
    for (const p of batch) p.after?.();
  }
}
