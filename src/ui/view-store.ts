import { DETAIL_TABS, type DetailTab } from "./detail-lines.js";
import { type FilterQuery, parseFilter } from "./filter.js";
import type { CurlView, ReplayOutcome } from "./types.js";
import { linesFor, REVEAL_MS, replayFlash, withDetail } from "./view-state.js";
import { ViewStoreCore } from "./view-store-core.js";

export type { Overlay, ViewState } from "./view-state.js";
export type { ViewStoreOptions } from "./view-store-core.js";

/**
 * The UI's state outside React: a bounded row window over the source, selection, detail,
 * filter, overlays and header. Session events are coalesced into one update per batch
 * window (ViewStoreCore); key commands, below, apply at once. Read it with
 * `useSyncExternalStore`.
 */
export class ViewStore extends ViewStoreCore {
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
