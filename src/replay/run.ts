import { UsageError } from "../errors.js";
import { createDispatcher, SendGroup } from "../forward/send.js";
import { WriteQueue } from "../forward/write-queue.js";
import type { Store } from "../store/store.js";
import { prepareReplay } from "./prepare.js";
import { RateLimiter } from "./rate.js";
import { sendUnrecorded, unsentResult } from "./replay-one.js";
import type {
  PreparedReplay,
  ReplayItem,
  ReplayResult,
  ReplaySendOptions,
  ReplaySummary,
} from "./types.js";

/** Parallel sends when the user gives no `--concurrency`. */
export const DEFAULT_CONCURRENCY = 4;

/** A replay run: what to send, how fast, and where progress goes. */
export interface RunReplayOptions extends ReplaySendOptions {
  store: Store;
  items: Iterable<ReplayItem>;
  /** Expected number of items (for progress); the walk may yield fewer. */
  total: number;
  concurrency?: number;
  /** Sends started per second at most. */
  ratePerSecond?: number;
  /** Prepare and report each item, send and store nothing. */
  dryRun?: boolean;
  /** Each dry-run plan. */
  onPlan?: (plan: PreparedReplay) => void;
  /** Each finished delivery, with the totals so far. */
  onResult?: (result: ReplayResult, summary: ReplaySummary) => void;
  /** Monotonic milliseconds for the rate limiter; default performance.now. */
  now?: () => number;
}

/**
 * Replay many deliveries: `concurrency` workers pull items in order, each send waits for a
 * rate slot, every send is an attempt row (the rows of one event-loop turn committed
 * together, each result reported once committed). An aborted `signal` (Ctrl+C) stops taking
 * items and cuts in-flight sends short; the summary says `interrupted`. Never throws for a
 * delivery's failure; an item that cannot be prepared is reported as an unsent result.
 */
export async function runReplay(o: RunReplayOptions): Promise<ReplaySummary> {
  const ownDispatcher = o.dispatcher || o.dryRun ? undefined : createDispatcher();
  try {
    return await new ReplayRun(o, o.dispatcher ?? ownDispatcher).run();
  } finally {
    await ownDispatcher?.close();
  }
}

class ReplayRun {
  private readonly summary: ReplaySummary;
  private readonly send: ReplaySendOptions;
  private readonly limiter: RateLimiter | undefined;
  private readonly iterator: Iterator<ReplayItem>;
  private readonly writes: WriteQueue;
  private readonly group = new SendGroup();
  private failure: unknown;

  constructor(
    private readonly o: RunReplayOptions,
    dispatcher: ReplaySendOptions["dispatcher"],
  ) {
    this.summary = {
      total: o.total,
      done: 0,
      accepted: 0,
      rejected: 0,
      unreachable: 0,
      interrupted: false,
    };
    this.send = {
      to: o.to,
      viaListener: o.viaListener,
      edits: o.edits,
      freshIds: o.freshIds,
      secret: o.secret,
      authHeader: o.authHeader,
      authFor: o.authFor,
      timeoutMs: o.timeoutMs,
      signal: o.signal,
      group: this.group,
      clock: o.clock,
      dispatcher,
    };
    // A storage error stops the run (reported once); nothing is retried behind its back.
    this.writes = new WriteQueue(o.store, (err) => this.fail(err), null);
    this.limiter = o.ratePerSecond ? new RateLimiter(o.ratePerSecond, o.now) : undefined;
    this.iterator = o.items[Symbol.iterator]();
  }

  async run(): Promise<ReplaySummary> {
    const { signal } = this.o;
    const abort = () => this.group.abortAll(signal?.reason);
    signal?.addEventListener("abort", abort, { once: true });
    const workers = Math.max(1, this.o.concurrency ?? DEFAULT_CONCURRENCY);
    try {
      await Promise.all(Array.from({ length: workers }, () => this.worker()));
    } finally {
      signal?.removeEventListener("abort", abort);
      this.writes.flush();
    }
    if (this.failure !== undefined) throw this.failure;
    this.summary.interrupted = !!this.o.signal?.aborted;
    return this.summary;
  }

  private next(): ReplayItem | undefined {
    if (this.o.signal?.aborted || this.failure !== undefined) return undefined;
    const n = this.iterator.next();
    return n.done ? undefined : n.value;
  }

  private async worker(): Promise<void> {
    for (let item = this.next(); item; item = this.next()) {
      try {
        await this.replay(item);
      } catch (err) {
        this.fail(err);
      }
    }
  }

  /** A bug or a database failure: stop every worker, report it once. */
  private fail(err: unknown): void {
    this.failure ??= err;
  }

  private async replay(item: ReplayItem): Promise<void> {
    const { o } = this;
    let prepared: PreparedReplay;
    try {
      prepared = prepareReplay(o.store, item, this.send);
    } catch (err) {
      // One delivery that cannot be prepared (e.g. no target known) does not stop the others.
      if (!(err instanceof UsageError)) throw err;
      const d = item.prefetched?.row ?? o.store.deliveries.bySeq(item.seq);
      if (d) this.record(unsentResult(d, err.message, (o.clock ?? Date.now)()));
      return;
    }
    if (o.dryRun) {
      this.summary.done++;
      o.onPlan?.(prepared);
      return;
    }
    if (this.limiter && !(await this.limiter.take(o.signal))) return;
    if (o.signal?.aborted) return;
    const { result, record } = await sendUnrecorded(o.store, prepared, this.send);
    this.writes.add(record, () => this.record(result));
  }

  private record(r: ReplayResult): void {
    const s = this.summary;
    s.done++;
    if (r.ok) s.accepted++;
    else if (r.network) s.unreachable++;
    else s.rejected++;
    this.o.onResult?.(r, s);
  }
}
