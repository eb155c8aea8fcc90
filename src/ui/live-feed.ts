import type { SessionEvent } from "../events.js";
import type { UiClock } from "./clock.js";

/** What the feed asks of the view store when a batch is applied; each says if it changed. */
export interface FeedTarget {
  /** Page in rows stored since the last look. */
  takeNewRows(): boolean;
  /** Re-read these rows if loaded. */
  refreshRows(seqs: number[]): boolean;
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
    } else if (e.type !== "counters") {
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
    this.dirty.clear();
    if (seqs.length) changed = this.t.refreshRows(seqs) || changed;
    if (seqs.length || this.detailAll)
      changed = this.t.reloadDetail(new Set(seqs), this.detailAll) || changed;
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
   * when this is `okhook ui`) and refresh what is shown. One indexed max(seq) read when
   * nothing changed. Counters are re-read on every tick with `countersEveryTick` (ui, whose
   * counters another process moves), else only when new rows turned up.
   */
  startPolling(ms: number, o: { countersEveryTick: boolean }): void {
    const tick = () => {
      this.pollTimer = null;
      if (this.disposed) return;
      if (this.t.maxSeq() > this.lastMax) {
        this.pendingNew = true;
        this.countersDue = true;
      }
      for (const seq of this.t.visibleSeqs()) this.dirty.add(seq);
      this.detailAll = true;
      if (o.countersEveryTick) this.countersDue = true;
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
