import type { SessionEvent } from "../events.js";
import type { DeliveryRow } from "../store/types.js";
import { systemClock, type UiClock } from "./clock.js";
import { DETAIL_TABS, type DetailTab } from "./detail-lines.js";
import { type FilterQuery, parseFilter } from "./filter.js";
import { applyHeaderEvent, type Flash } from "./header-state.js";
import { type FeedTarget, LiveFeed } from "./live-feed.js";
import { RowWindow, type WindowOptions } from "./row-window.js";
import type { Tone } from "./text.js";
import type { CurlView, DeliverySource, HeaderInfo, ReplayOutcome } from "./types.js";
import {
  BATCH_MS,
  COUNTERS_EVERY_MS,
  clampScroll,
  FLASH_MS,
  initialState,
  linesFor,
  POLL_MS,
  REVEAL_MS,
  replayFlash,
  type ViewState,
  withDetail,
  withReloadedDetail,
} from "./view-state.js";

export type { Overlay, ViewState } from "./view-state.js";

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
 * The UI's state outside React: a bounded row window over the source, selection, detail,
 * filter, overlays and header. Session events are coalesced into one update per batch
 * window; key commands apply at once. Read it with `useSyncExternalStore`.
 */
export class ViewStore {
  private readonly win: RowWindow;
  private readonly clock: UiClock;
  private readonly listeners = new Set<() => void>();
  private s: ViewState;
  private readonly feed: LiveFeed;
  private scanTimer: unknown = null;
  private flashTimer: unknown = null;
  private revealTimer: unknown = null;
  private detailViewport = 10;
  private disposed = false;

  constructor(private readonly o: ViewStoreOptions) {
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

  private commit(patch: Partial<ViewState> = {}): void {
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

  // ── navigation (immediate) ───────────────────────────────────────────────

  /** Move the selection; any move pauses following. */
  move(delta: number): void {
    this.win.moveBy(delta);
    this.s = { ...this.s, follow: false };
    this.afterMove();
    this.commit();
  }

  /** Move by a page of the visible list. */
  page(direction: 1 | -1): void {
    this.move(direction * Math.max(1, this.win.viewport - 1));
  }

  /** Newest row, and follow new ones. */
  top(): void {
    if (this.win.hasNewer) this.win.newest();
    this.win.cursor = 0;
    this.win.reveal();
    this.s = { ...this.s, follow: true };
    this.afterMove();
    this.commit();
  }

  /** Oldest row (pages straight to the start of the table). */
  bottom(): void {
    if (this.win.hasOlder) this.win.oldest();
    else this.win.cursor = Math.max(0, this.win.rows.length - 1);
    this.win.reveal();
    this.s = { ...this.s, follow: false };
    this.afterMove();
    this.commit();
  }

  /** Follow on (jump to the newest) or off. */
  toggleFollow(): void {
    if (this.s.follow) {
      this.s = { ...this.s, follow: false };
      this.commit();
    } else this.top();
  }

  private afterMove(): void {
    if (this.win.cursor === 0 && !this.win.hasNewer) this.s = { ...this.s, unseen: 0 };
    if (this.s.detailOpen) this.loadDetail();
  }

  /** Visible list rows and detail lines, from the layout. */
  setViewport(listRows: number, detailRows: number): void {
    this.win.setViewport(listRows);
    this.detailViewport = Math.max(1, detailRows);
    this.commit({ detailScroll: this.clampScroll(this.s.detailScroll) });
  }

  // ── detail pane ──────────────────────────────────────────────────────────

  /** Open or close the detail pane of the selected row. */
  toggleDetail(): void {
    if (this.s.detailOpen) this.commit({ detailOpen: false, detail: null, lines: [] });
    else this.openDetail();
  }

  /** Open the detail pane, optionally on a given tab. */
  openDetail(tab: DetailTab = this.s.tab): void {
    this.s = { ...this.s, detailOpen: true, tab, detail: null };
    this.loadDetail();
    this.commit();
  }

  /** Next (or previous) detail tab. */
  nextTab(step: 1 | -1 = 1): void {
    if (!this.s.detailOpen) {
      this.openDetail();
      return;
    }
    const i = DETAIL_TABS.indexOf(this.s.tab);
    const tab = DETAIL_TABS[(i + step + DETAIL_TABS.length) % DETAIL_TABS.length]!;
    this.s = { ...this.s, tab, detailScroll: 0 };
    this.commit({ lines: linesFor(this.s) });
  }

  /** Scroll the detail content by lines. */
  scrollDetail(delta: number): void {
    this.commit({ detailScroll: this.clampScroll(this.s.detailScroll + delta) });
  }

  /** Scroll the detail content by a page. */
  pageDetail(direction: 1 | -1): void {
    this.scrollDetail(direction * Math.max(1, this.detailViewport - 1));
  }

  private clampScroll(n: number): number {
    return clampScroll(n, this.s.lines.length, this.detailViewport);
  }

  private loadDetail(): void {
    this.s = withDetail(this.s, this.win.selected(), this.o.source);
  }

  /** Re-read the open detail; true when attempts or forward state changed. */
  private reloadDetail(): boolean {
    const next = withReloadedDetail(this.s, this.o.source, this.detailViewport);
    if (next) this.s = next;
    return next !== null;
  }

  // ── filter prompt, overlays, status ──────────────────────────────────────

  /** Open the `/` prompt with the current filter. */
  openFilter(): void {
    this.commit({ prompt: this.s.filter });
  }

  /** Update the text being typed. */
  editPrompt(text: string): void {
    if (this.s.prompt !== null) this.commit({ prompt: text });
  }

  /** Apply the typed filter: reload the newest matching page by keyset. */
  applyFilter(): void {
    const text = (this.s.prompt ?? this.s.filter).trim();
    this.setFilter(text, parseFilter(text));
  }

  private setFilter(text: string, q: FilterQuery): void {
    this.win.newest(q);
    this.s = { ...this.s, filter: text, prompt: null, follow: true, unseen: 0, detail: null };
    this.afterMove();
    this.commit({ lines: this.s.detail ? this.s.lines : [] });
  }

  /** Close the prompt without applying. */
  cancelPrompt(): void {
    this.commit({ prompt: null });
  }

  /** Esc: close an overlay, else the prompt, else the detail pane, else clear the filter. */
  escape(): void {
    if (this.s.overlay) this.commit({ overlay: null, curl: null });
    else if (this.s.prompt !== null) this.cancelPrompt();
    else if (this.s.detailOpen) this.toggleDetail();
    else if (this.s.filter) this.setFilter("", {});
  }

  /** Show or hide the help overlay. */
  toggleHelp(): void {
    this.commit({ overlay: this.s.overlay === "help" ? null : "help" });
  }

  /** Show a curl command in an overlay (stdout belongs to Ink while mounted). */
  showCurl(curl: CurlView): void {
    this.commit({ overlay: "curl", curl });
  }

  /** A status-line message that fades after a few seconds. */
  flash(text: string, tone: Tone = "plain"): void {
    this.setFlash({ text, tone }, true);
  }

  private setFlash(flash: Flash, commit: boolean): void {
    if (this.flashTimer !== null) this.clock.clearTimeout(this.flashTimer);
    this.flashTimer = this.clock.setTimeout(() => {
      this.flashTimer = null;
      this.commit({ flash: null });
    }, this.o.flashMs ?? FLASH_MS);
    if (commit) this.commit({ flash });
    else this.s = { ...this.s, flash };
  }

  /** Show the secret in the header for a few seconds (then masked again), or hide it now. */
  toggleSecret(): void {
    if (this.revealTimer !== null) this.clock.clearTimeout(this.revealTimer);
    if (this.s.secretShown) {
      this.revealTimer = null;
      this.commit({ secretShown: false });
      return;
    }
    this.revealTimer = this.clock.setTimeout(() => {
      this.revealTimer = null;
      this.commit({ secretShown: false });
    }, this.revealMs());
    this.commit({ secretShown: true });
  }

  /** How long `s` shows the secret. */
  revealMs(): number {
    return this.o.revealMs ?? REVEAL_MS;
  }

  /** Mark a long action in progress (or done, with null). */
  setBusy(busy: string | null): void {
    this.commit({ busy });
  }

  /** A replay finished: mark the row, refresh it and show the new attempt. */
  replayed(seq: number, outcome: ReplayOutcome): void {
    const replayed = new Set(this.s.replayed).add(seq);
    this.win.refresh(this.o.source.rows([seq]));
    this.s = { ...this.s, replayed, busy: null };
    if (this.win.selected()?.seq === seq) {
      const open = { ...this.s, detailOpen: true, tab: "attempts" as const, detail: null };
      this.s = withDetail(open, this.win.selected(), this.o.source);
    }
    this.feed.countersChanged();
    this.setFlash(replayFlash(outcome), false);
    this.commit();
  }

  /** Note that the session is shutting down (quit pressed). */
  setStopping(): void {
    this.commit({ stopping: true, flash: { text: "Stopping: finishing forwards…", tone: "dim" } });
  }
}
