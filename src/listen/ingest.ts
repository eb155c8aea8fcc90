import type { Store } from "../store/store.js";
import type { NewDelivery, StoredDelivery } from "../store/types.js";

interface Waiting {
  record: NewDelivery;
  startedPerf: number;
  resolve: (stored: StoredDelivery) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: every request that arrives in one event-loop turn is written in ONE
 * transaction, and only then do their acknowledgements go out. A 200 never precedes its row.
 */
export class IngestWriter {
  private queue: Waiting[] = [];
  private scheduled = false;
  private inFlight = 0;
  private readonly idle: (() => void)[] = [];

  /** `afterCommit` runs once per committed batch (e.g. to nudge the background checkpointer). */
  constructor(
    private readonly store: Store,
    private readonly afterCommit: () => void = () => {},
  ) {}

  /**
   * Resolves once the record is committed (durable against a process crash in WAL mode).
   * `startedPerf` (performance.now() when the request arrived) gives the stored ack latency.
   */
  write(record: NewDelivery, startedPerf: number): Promise<StoredDelivery> {
    this.inFlight++;
    return new Promise<StoredDelivery>((resolve, reject) => {
      this.queue.push({ record, startedPerf, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    }).finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) for (const f of this.idle.splice(0)) f();
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const committedAt = performance.now();
    let stored: StoredDelivery[];
    try {
      // an inline request's answer went out before its row: its ack time is already set
      for (const w of batch) w.record.ackMs ??= committedAt - w.startedPerf;
      stored = this.store.deliveries.insert(batch.map((w) => w.record));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      w.resolve(stored[i]!);
    });
    this.afterCommit();
  }

  /** Resolves when no write is waiting or in progress. */
  drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
