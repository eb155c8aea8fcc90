import type { SessionEvent } from "../events.js";
import type { DeliveryRow } from "../store/types.js";
import { systemClock, type UiClock } from "./clock.js";
import { applyHeaderEvent, type Flash } from "./header-state.js";
import { type FeedTarget, LiveFeed } from "./live-feed.js";
import { RowWindow, type WindowOptions } from "./row-window.js";
import type { Tone } from "./text.js";
import type { DeliverySource, HeaderInfo } from "./types.js";
import {
  BATCH_MS,
  COUNTERS_EVERY_MS,
  clampScroll,
  FLASH_MS,
  initialState,
  POLL_MS,
  type ViewState,
  withDetail,
  withReloadedDetail,
} from "./view-state.js";

/** View store settings; everything but the source and header has a default. */
export interface ViewStoreOptions {
  source: DeliverySource;
  header: HeaderInfo;
  clock?: UiClock;
  window?: WindowOptions;
  batchMs?: number;
  countersEveryMs?: number;
  flashMs?: number;
  revealMs?: number;
}

/**
 * What changes the view without a key press: the state snapshot and its subscribers, the
 * row window, session events coalesced by the live feed, polling, filter scans continued
 * between key presses, timed status messages. ViewStore adds what the keys do.
 */
export class ViewStoreCore {
  protected readonly win: RowWindow;
  protected readonly clock: UiClock;
  private readonly listeners = new Set<() => void>();
  protected s: ViewState;
  protected readonly feed: LiveFeed;
  private scanTimer: unknown = null;
  private flashTimer: unknown = null;
  protected revealTimer: unknown = null;
  protected detailViewport = 10;
  private disposed = false;

  constructor(protected readonly o: ViewStoreOptions) {
    this.clock = o.clock ?? systemClock;
    this.win = new RowWindow(o.source, o.window);
    this.win.newest();
    this.s = {
      ...this.windowState(),
      ...initialState(o.header, o.source.counters(), o.source.maxSeq()),
    };
    this.feed = new LiveFeed(this.feedTarget(), {
      clock: this.clock,
      batchMs: o.batchMs ?? BATCH_MS,
      countersEveryMs: o.countersEveryMs ?? COUNTERS_EVERY_MS,
    });
  }

  /** Subscribe to changes (for useSyncExternalStore). */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The current immutable snapshot. */
  getSnapshot = (): ViewState => this.s;

  /** The selected delivery, if any. */
  selected(): DeliveryRow | undefined {
    return this.win.selected();
  }

  private windowState() {
    const w = this.win;
    return {
      rows: w.rows,
      cursor: w.cursor,
      scrollTop: w.scrollTop,
      hasNewer: w.hasNewer,
      hasOlder: w.hasOlder,
    };
  }

  protected commit(patch: Partial<ViewState> = {}): void {
    if (this.disposed) return;
    const w = this.win;
    const scanning = w.wantsMore() ? (w.partial === "older" ? w.olderBound : w.newerBound) : null;
    this.s = { ...this.s, ...this.windowState(), scanning, ...patch };
    for (const l of this.listeners) l();
    if (scanning !== null) this.continueScan();
  }

  /** A rare filter is scanned a chunk per tick so key presses get in between. */
  private continueScan(): void {
    if (this.scanTimer !== null || this.disposed) return;
    this.scanTimer = this.clock.setTimeout(() => {
      this.scanTimer = null;
      if (!this.win.wantsMore()) return;
      this.win.continueScan();
      if (this.s.detailOpen) this.loadDetail();
      this.commit();
    }, 0);
  }

  // ── session events (coalesced by the feed) ───────────────────────────────

  /** Apply a session event: the view changes once per batch window. */
  apply(e: SessionEvent): void {
    this.feed.apply(e);
  }

  /** Apply everything pending now (the batch timer calls this; tests may too). */
  flush(): void {
    this.feed.flush();
  }

  /**
   * Look for rows written by any process every `ms` and refresh the visible ones (and, in
   * `okhook ui`, the counters and the listener's status).
   */
  startPolling(ms = POLL_MS): void {
    this.feed.startPolling(ms, { full: this.o.header.mode === "ui" });
  }

  private feedTarget(): FeedTarget {
    return {
      takeNewRows: () => this.takeNewRows(),
      refreshRows: (seqs) => this.win.refresh(this.o.source.rows(seqs)),
      reloadDetail: (seqs, all) => {
        const seq = this.s.detail?.delivery.seq;
        return seq !== undefined && (all || seqs.has(seq)) && this.reloadDetail();
      },
      refreshCounters: () => this.refreshCounters(),
      applyHeader: (e) => {
        const change = applyHeaderEvent(this.s.header, e);
        if (change.header) this.s = { ...this.s, header: change.header };
        if (change.stopping) this.s = { ...this.s, stopping: true };
        if (change.flash) this.setFlash(change.flash, false);
        return !!(change.header || change.stopping || change.flash);
      },
      maxSeq: () => this.o.source.maxSeq(),
      visibleSeqs: () => this.win.visibleSeqs(),
      refreshListener: () => this.refreshListener(),
      commit: () => this.commit(),
    };
  }

  private takeNewRows(): boolean {
    this.s = { ...this.s, total: Math.max(this.s.total, this.o.source.maxSeq()) };
    if (this.win.hasNewer) return true;
    const added = this.win.loadNewer();
    if (added === 0) return true;
    if (this.s.follow) {
      if (this.win.hasNewer) this.win.newest();
      this.win.cursor = 0;
      this.win.reveal();
      this.afterMove();
    } else this.s = { ...this.s, unseen: this.s.unseen + added };
    return true;
  }

  private refreshListener(): boolean {
    const listener = this.o.source.listener?.();
    if (!listener || JSON.stringify(listener) === JSON.stringify(this.s.header.listener))
      return false;
    this.s = { ...this.s, header: { ...this.s.header, listener } };
    return true;
  }

  private refreshCounters(): boolean {
    const counters = this.o.source.counters();
    const total = Math.max(this.s.total, this.o.source.maxSeq());
    if (JSON.stringify(counters) === JSON.stringify(this.s.counters) && total === this.s.total)
      return false;
    this.s = { ...this.s, counters, total };
    return true;
  }

  /** Stop timers and notifications (before unmount). */
  dispose(): void {
    this.disposed = true;
    this.feed.dispose();
    for (const t of [this.flashTimer, this.scanTimer, this.revealTimer])
      if (t !== null) this.clock.clearTimeout(t);
    this.flashTimer = this.scanTimer = this.revealTimer = null;
    this.listeners.clear();
  }

  // ── detail and status, also used by the key commands ─────────────────────

  protected afterMove(): void {
    if (this.win.cursor === 0 && !this.win.hasNewer) this.s = { ...this.s, unseen: 0 };
    if (this.s.detailOpen) this.loadDetail();
  }

  protected clampScroll(n: number): number {
    return clampScroll(n, this.s.lines.length, this.detailViewport);
  }

  protected loadDetail(): void {
    this.s = withDetail(this.s, this.win.selected(), this.o.source);
  }

  /** Re-read the open detail; true when attempts or forward state changed. */
  private reloadDetail(): boolean {
    const next = withReloadedDetail(this.s, this.o.source, this.detailViewport);
    if (next) this.s = next;
    return next !== null;
  }

  /** A status-line message that fades after a few seconds. */
  flash(text: string, tone: Tone = "plain"): void {
    this.setFlash({ text, tone }, true);
  }

  protected setFlash(flash: Flash, commit: boolean): void {
    if (this.flashTimer !== null) this.clock.clearTimeout(this.flashTimer);
    this.flashTimer = this.clock.setTimeout(() => {
      this.flashTimer = null;
      this.commit({ flash: null });
    }, this.o.flashMs ?? FLASH_MS);
    if (commit) this.commit({ flash });
    else this.s = { ...this.s, flash };
  }
}
