import type { SessionEvent } from "../events.js";
import type { UiClock } from "./clock.js";

/** What the feed asks of the view store when a batch is applied; each says if it changed. */
export interface FeedTarget {
  /** Page in rows stored since the last look. */
  takeNewRows(): boolean;
  /** Re-read these rows if loaded; the seqs of those that changed. */
  refreshRows(seqs: number[]): number[];
  /** Re-read the open detail if it is one of `seqs` (or any, with `all`). */
  reloadDetail(seqs: ReadonlySet<number>, all: boolean): boolean;
  /** Re-read the counters. */
  refreshCounters(): boolean;
  /** Fold a header event in (without notifying). */
  applyHeader(e: SessionEvent): boolean;
  /** Highest stored seq, to notice rows written by another process. */
  maxSeq(): number;
  /** Rows on screen (polling refreshes them: another process may forward them). */
  visibleSeqs(): number[];
  /** Re-read what the source says about the listener (okhook ui). */
  refreshListener(): boolean;
  /** Notify subscribers once. */
  commit(): void;
}

/** Timing of the feed. */
export interface FeedOptions {
  clock: UiClock;
  batchMs: number;
  countersEveryMs: number;
}

/**
 * Turns a stream of session events (listen) and a polling tick (both) into at most one view
 * update per batch window, and counters into at most one re-read per interval.
 */
export class LiveFeed {
  private batchTimer: unknown = null;
  private pollTimer: unknown = null;
  private pendingNew = false;
  private pendingCommit = false;
  private readonly dirty = new Set<number>();
  /** Rows on screen at a poll: re-read, but their detail only when the row changed. */
  private readonly polled = new Set<number>();
  private detailAll = false;
  private countersDue = false;
  private lastCountersAt: number;
  private lastMax: number;
  private disposed = false;

  constructor(
    private readonly t: FeedTarget,
    private readonly o: FeedOptions,
  ) {
    this.lastCountersAt = o.clock.now();
    this.lastMax = t.maxSeq();
  }

  /** Note a session event; the view changes when the batch window closes. */
  apply(e: SessionEvent): void {
    if (e.type === "delivery") {
      this.pendingNew = true;
      this.countersDue = true;
    } else if (e.type === "forward") {
      this.dirty.add(e.outcome.seq);
      this.countersDue = true;
    } else {
      this.pendingCommit = this.t.applyHeader(e) || this.pendingCommit;
    }
    this.schedule(this.o.batchMs);
  }

  /** Counters should be re-read (e.g. after a replay). */
  countersChanged(): void {
    this.countersDue = true;
    this.schedule(this.o.batchMs);
  }

  private schedule(ms: number): void {
    if (this.batchTimer !== null || this.disposed) return;
    this.batchTimer = this.o.clock.setTimeout(() => this.flush(), ms);
  }

  /** Apply everything pending now (the batch timer calls this; tests may too). */
  flush(): void {
    if (this.batchTimer !== null) this.o.clock.clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (this.disposed) return;
    let changed = this.pendingCommit;
    this.pendingCommit = false;
    if (this.pendingNew) {
      this.pendingNew = false;
      this.lastMax = Math.max(this.lastMax, this.t.maxSeq());
      changed = this.t.takeNewRows() || changed;
    }
    const seqs = [...this.dirty];
    const polled = [...this.polled].filter((s) => !this.dirty.has(s));
    this.dirty.clear();
    this.polled.clear();
    // a forward event may add an attempt without changing the row: its detail is re-read anyway
    const detailSeqs = new Set(seqs);
    if (seqs.length) changed = this.t.refreshRows(seqs).length > 0 || changed;
    if (polled.length) {
      const moved = this.t.refreshRows(polled);
      for (const seq of moved) detailSeqs.add(seq);
      // e.g. `okhook replay --failed` in another terminal: the failed count changed too
      if (moved.length > 0) this.countersDue = true;
      changed = moved.length > 0 || changed;
    }
    if (detailSeqs.size || this.detailAll)
      changed = this.t.reloadDetail(detailSeqs, this.detailAll) || changed;
    this.detailAll = false;
    changed = this.maybeCounters() || changed;
    if (changed) this.t.commit();
  }

  private maybeCounters(): boolean {
    if (!this.countersDue) return false;
    const wait = this.lastCountersAt + this.o.countersEveryMs - this.o.clock.now();
    if (wait > 0) {
      this.schedule(wait);
      return false;
    }
    this.countersDue = false;
    this.lastCountersAt = this.o.clock.now();
    return this.t.refreshCounters();
  }

  /**
   * Every `ms`, look for rows any process wrote (okhook replay, a backfill, or the listener
   * when this is `okhook ui`) and re-read the rows on screen: an indexed max(seq) and a few
   * point reads. `full` (ui, where another process moves everything) also re-reads the open
   * detail and the counters on every tick; otherwise (listen, whose own events cover its
   * writes, and which must not spend its ack time on it) the detail and the counters only
   * when rows turned up or a row on screen changed.
   */
  startPolling(ms: number, o: { full: boolean }): void {
    const tick = () => {
      this.pollTimer = null;
      if (this.disposed) return;
      if (this.t.maxSeq() > this.lastMax) {
        this.pendingNew = true;
        this.countersDue = true;
      }
      for (const seq of this.t.visibleSeqs()) this.polled.add(seq);
      if (o.full) {
        this.detailAll = true;
        this.countersDue = true;
      }
      this.pendingCommit = this.t.refreshListener() || this.pendingCommit;
      this.flush();
      this.pollTimer = this.o.clock.setTimeout(tick, ms);
    };
    this.pollTimer = this.o.clock.setTimeout(tick, ms);
  }

  /** Stop every timer. */
  dispose(): void {
    this.disposed = true;
    for (const t of [this.batchTimer, this.pollTimer]) if (t !== null) this.o.clock.clearTimeout(t);
    this.batchTimer = this.pollTimer = null;
  }
}
