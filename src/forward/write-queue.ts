import type { Store } from "../store/store.js";

interface Pending {
  write: () => void;
  after?: () => void;
}

/** Wait before retrying writes that failed (a lock held by another process). */
export const WRITE_RETRY_MS = 500;

/**
 * Group commit for send bookkeeping (forwarder, replay): attempt rows and state updates made
 * in one event-loop turn go into one transaction (a commit each cost more than the send
 * itself), and their notifications run after the commit (write, then emit).
 */
export class WriteQueue {
  private queue: Pending[] = [];
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;

  /**
   * @param retryMs wait before running failed writes again; null drops them after `onError`
   *   (their `after` never runs), for a caller that stops at the first storage error.
   */
  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown) => void,
    private readonly retryMs: number | null = WRITE_RETRY_MS,
  ) {}

  /** Queue a write and, optionally, what to do once it is committed. */
  add(write: () => void, after?: () => void): void {
    this.queue.push({ write, after });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Queue a write; resolves with what it returned once it is committed. */
  committed<T>(write: () => T): Promise<T> {
    return new Promise((resolve) => {
      let result: T;
      this.add(
        () => {
          result = write();
        },
        () => resolve(result),
      );
    });
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
      // e.g. another process held the lock past the busy timeout: the transaction rolled back,
      // so the same writes are safe to run again; the deliveries stay pending meanwhile
      this.onError(err);
      if (this.retryMs === null) return;
      this.queue.unshift(...batch);
      if (!this.retryTimer) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.flush();
        }, this.retryMs);
        this.retryTimer.unref();
      }
      return;
    }
    for (const p of batch) p.after?.();
  }
}
