import type { DeliveryRow, ListQuery } from "../store/types.js";
import type { FilterQuery } from "./filter.js";

/** Rows fetched per keyset page. */
export const PAGE_ROWS = 200;
/** Most rows the window keeps in memory; older or newer ones are dropped and paged back in. */
export const WINDOW_CAP_ROWS = 2000;

/** Sizing of a window (tests use small numbers). */
export interface WindowOptions {
  pageSize?: number;
  cap?: number;
}

/** Index of `seq` in rows sorted by seq descending, or -1. */
export function indexOfSeq(rows: readonly DeliveryRow[], seq: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = rows[mid]!.seq;
    if (s === seq) return mid;
    if (s > seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * A bounded, contiguous slice of the (filtered) delivery list, newest first, with a cursor
 * and a scroll offset. It pages by keyset on `seq` in both directions when the cursor nears
 * an edge, and drops rows at the far end so memory stays flat on any database size.
 */
export class RowWindow {
  rows: readonly DeliveryRow[] = [];
  cursor = 0;
  scrollTop = 0;
  viewport = 10;
  /** Rows newer than rows[0] exist (matching the filter) but are not loaded. */
  hasNewer = false;
  /** Rows older than the last loaded row may exist. */
  hasOlder = false;
  private readonly pageSize: number;
  private readonly cap: number;

  constructor(
    private readonly fetch: (q: ListQuery) => DeliveryRow[],
    private filter: FilterQuery = {},
    o: WindowOptions = {},
  ) {
    this.pageSize = o.pageSize ?? PAGE_ROWS;
    this.cap = Math.max(o.cap ?? WINDOW_CAP_ROWS, this.pageSize * 2);
  }

  /** Load the newest page (optionally with a new filter); cursor on the newest row. */
  newest(filter: FilterQuery = this.filter): void {
    this.filter = filter;
    this.rows = this.fetch({ ...filter, limit: this.pageSize });
    this.hasNewer = false;
    this.hasOlder = this.rows.length === this.pageSize;
    this.cursor = 0;
    this.scrollTop = 0;
  }

  /** Load the oldest page; cursor on the oldest row. */
  oldest(): void {
    const page = this.fetch({ ...this.filter, afterSeq: 0, limit: this.pageSize }).reverse();
    this.rows = page;
    this.hasOlder = false;
    this.hasNewer = page.length === this.pageSize;
    this.cursor = Math.max(0, page.length - 1);
    this.scrollTop = Math.max(0, page.length - this.viewport);
  }

  /** The selected row. */
  selected(): DeliveryRow | undefined {
    return this.rows[this.cursor];
  }

  /** Move the cursor by `delta` rows, paging in more rows when it nears either edge. */
  moveBy(delta: number): void {
    let target = this.cursor + delta;
    if (delta > 0 && this.hasOlder && target >= this.rows.length - this.viewport) {
      target -= this.loadOlder();
    }
    if (delta < 0 && this.hasNewer && target < this.viewport) {
      target += this.loadNewer();
    }
    this.cursor = clamp(target, 0, this.rows.length - 1);
    this.reveal();
  }

  /** Set how many rows are visible; keeps the cursor in view. */
  setViewport(rows: number): void {
    this.viewport = Math.max(1, rows);
    this.reveal();
  }

  /** Keep the cursor inside [scrollTop, scrollTop + viewport). */
  reveal(): void {
    if (this.cursor < this.scrollTop) this.scrollTop = this.cursor;
    if (this.cursor >= this.scrollTop + this.viewport)
      this.scrollTop = this.cursor - this.viewport + 1;
    this.scrollTop = clamp(this.scrollTop, 0, Math.max(0, this.rows.length - this.viewport));
  }

  /** Append the next older page; returns how many rows were dropped at the newer end. */
  loadOlder(): number {
    const last = this.rows.at(-1);
    if (!last) return 0;
    const more = this.fetch({ ...this.filter, beforeSeq: last.seq, limit: this.pageSize });
    this.hasOlder = more.length === this.pageSize;
    const rows = [...this.rows, ...more];
    const drop = Math.max(0, rows.length - this.cap);
    this.rows = drop ? rows.slice(drop) : rows;
    if (drop) {
      this.hasNewer = true;
      this.cursor = Math.max(0, this.cursor - drop);
      this.scrollTop = Math.max(0, this.scrollTop - drop);
    }
    return drop;
  }

  /**
   * Prepend the next newer page (contiguous with rows[0]); returns how many rows were added.
   * Cursor and scroll shift with them, so the same row stays selected and in view.
   */
  loadNewer(): number {
    const first = this.rows[0];
    if (!first) {
      this.newest();
      return this.rows.length;
    }
    const more = this.fetch({ ...this.filter, afterSeq: first.seq, limit: this.pageSize });
    this.hasNewer = more.length === this.pageSize;
    if (more.length === 0) return 0;
    const rows = [...more.reverse(), ...this.rows];
    this.cursor += more.length;
    this.scrollTop += more.length;
    if (rows.length > this.cap) {
      this.hasOlder = true;
      this.rows = rows.slice(0, this.cap);
      this.cursor = Math.min(this.cursor, this.cap - 1);
    } else this.rows = rows;
    return more.length;
  }

  /** Replace loaded rows with fresh copies (same seq); returns whether any row changed. */
  refresh(fresh: readonly DeliveryRow[]): boolean {
    let next: DeliveryRow[] | undefined;
    for (const row of fresh) {
      const i = indexOfSeq(this.rows, row.seq);
      if (i < 0 || sameRow(this.rows[i]!, row)) continue;
      next ??= [...this.rows];
      next[i] = row;
    }
    if (next) this.rows = next;
    return next !== undefined;
  }

  /** Seqs of the rows currently on screen. */
  visibleSeqs(): number[] {
    return this.rows.slice(this.scrollTop, this.scrollTop + this.viewport).map((r) => r.seq);
  }
}

function sameRow(a: DeliveryRow, b: DeliveryRow): boolean {
  return (
    a.forwardState === b.forwardState &&
    a.forwardStatus === b.forwardStatus &&
    a.forwardMs === b.forwardMs &&
    a.forwardError === b.forwardError &&
    a.duplicateCount === b.duplicateCount
  );
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}
