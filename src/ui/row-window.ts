import type { DeliveryRow } from "../store/types.js";
import type { FilterQuery } from "./filter.js";
import { type Scan, type ScanSource, scanNewer, scanOlder } from "./row-scan.js";

/** Rows fetched per keyset page. */
export const PAGE_ROWS = 200;
/** Most rows the window keeps in memory; older or newer ones are dropped and paged back in. */
export const WINDOW_CAP_ROWS = 2000;
/** A filtered scan reads the table in seq ranges this wide… */
export const SCAN_CHUNK_SEQS = 10_000;
/** …and yields back to the event loop after this long, so keys stay responsive. */
export const SCAN_BUDGET_MS = 40;

/** Sizing and reads of a window (tests use small numbers). */
export interface WindowOptions {
  pageSize?: number;
  cap?: number;
  chunkSeqs?: number;
  budgetMs?: number;
  /** Monotonic milliseconds for the scan budget. */
  now?: () => number;
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
 * an edge and drops rows at the far end, so memory stays flat on any database size. A
 * filter that matches rarely is scanned in seq ranges under a time budget; `partial` then
 * says more scanning is due (the view store continues it between key presses).
 */
export class RowWindow {
  rows: readonly DeliveryRow[] = [];
  cursor = 0;
  scrollTop = 0;
  viewport = 10;
  /** Rows newer than rows[0] may exist (matching the filter) but are not loaded. */
  hasNewer = false;
  /** Rows older than the last loaded row may exist. */
  hasOlder = false;
  /** The last scan stopped on its time budget, not because it found enough rows. */
  partial: "older" | "newer" | null = null;
  /** Exclusive keyset bounds the next older / newer fetch continues from. */
  olderBound = 0;
  newerBound = 0;
  private filter: FilterQuery = {};
  private readonly o: Required<WindowOptions>;

  constructor(
    private readonly source: ScanSource,
    o: WindowOptions = {},
  ) {
    const pageSize = o.pageSize ?? PAGE_ROWS;
    this.o = {
      pageSize,
      cap: Math.max(o.cap ?? WINDOW_CAP_ROWS, pageSize * 2),
      chunkSeqs: o.chunkSeqs ?? SCAN_CHUNK_SEQS,
      budgetMs: o.budgetMs ?? SCAN_BUDGET_MS,
      now: o.now ?? (() => performance.now()),
    };
  }

  /** Load the newest page (optionally with a new filter); cursor on the newest row. */
  newest(filter: FilterQuery = this.filter): void {
    this.filter = filter;
    const top = this.source.maxSeq();
    const s = this.scan(scanOlder, top + 1, "older");
    this.rows = s.rows;
    this.newerBound = top;
    this.olderBound = s.bound;
    this.hasNewer = false;
    this.hasOlder = !s.done;
    this.cursor = 0;
    this.scrollTop = 0;
  }

  /** Load the oldest page; cursor on the oldest row. */
  oldest(): void {
    const s = this.scan(scanNewer, 0, "newer");
    this.rows = s.rows;
    this.olderBound = this.rows.at(-1)?.seq ?? 0;
    this.newerBound = s.bound;
    this.hasOlder = false;
    this.hasNewer = !s.done;
    this.cursor = Math.max(0, this.rows.length - 1);
    this.scrollTop = Math.max(0, this.rows.length - this.viewport);
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

  /** Append the next older rows; returns how many rows were dropped at the newer end. */
  loadOlder(): number {
    if (!this.hasOlder) return 0;
    const s = this.scan(scanOlder, this.olderBound, "older");
    this.olderBound = s.bound;
    this.hasOlder = !s.done;
    const rows = [...this.rows, ...s.rows];
    const drop = Math.max(0, rows.length - this.o.cap);
    this.rows = drop ? rows.slice(drop) : rows;
    if (drop) {
      this.hasNewer = true;
      this.newerBound = this.rows[0]!.seq;
      this.cursor = Math.max(0, this.cursor - drop);
      this.scrollTop = Math.max(0, this.scrollTop - drop);
    }
    return drop;
  }

  /**
   * Prepend the next newer rows (contiguous with rows[0]); returns how many were added.
   * Cursor and scroll shift with them, so the same row stays selected and in view.
   * Also how rows that arrived since the last look get in.
   */
  loadNewer(): number {
    const s = this.scan(scanNewer, this.newerBound, "newer");
    this.newerBound = s.bound;
    this.hasNewer = !s.done;
    if (s.rows.length === 0) return 0;
    const rows = [...s.rows, ...this.rows];
    this.cursor += s.rows.length;
    this.scrollTop += s.rows.length;
    if (rows.length > this.o.cap) {
      this.hasOlder = true;
      this.rows = rows.slice(0, this.o.cap);
      this.olderBound = this.rows.at(-1)!.seq;
      this.cursor = Math.min(this.cursor, this.o.cap - 1);
    } else this.rows = rows;
    if (this.rows.length === s.rows.length) this.olderBound = this.rows.at(-1)!.seq;
    return s.rows.length;
  }

  /** One scan in a direction; a scan cut short by its budget leaves `partial` set. */
  private scan(fn: typeof scanOlder, bound: number, direction: "older" | "newer"): Scan {
    const s = fn(this.source, this.filter, bound, this.o);
    this.partial = s.partial ? direction : null;
    return s;
  }

  /** Replace loaded rows with fresh copies (same seq); returns the seqs of rows that changed. */
  refresh(fresh: readonly DeliveryRow[]): number[] {
    let next: DeliveryRow[] | undefined;
    const changed: number[] = [];
    for (const row of fresh) {
      const i = indexOfSeq(this.rows, row.seq);
      if (i < 0 || sameRow(this.rows[i]!, row)) continue;
      next ??= [...this.rows];
      next[i] = row;
      changed.push(row.seq);
    }
    if (next) this.rows = next;
    return changed;
  }

  /** Seqs of the rows currently on screen. */
  visibleSeqs(): number[] {
    return this.rows.slice(this.scrollTop, this.scrollTop + this.viewport).map((r) => r.seq);
  }

  /** A budget-limited scan should go on: the screen is not full and rows may remain. */
  wantsMore(): boolean {
    if (this.partial === "older")
      return this.hasOlder && this.rows.length < this.cursor + this.viewport * 2;
    if (this.partial === "newer") return this.hasNewer && this.cursor < this.viewport * 2;
    return false;
  }

  /** Continue a budget-limited scan in its direction. */
  continueScan(): void {
    if (this.partial === "older") this.loadOlder();
    else if (this.partial === "newer") this.loadNewer();
  }
}

function sameRow(a: DeliveryRow, b: DeliveryRow): boolean {
  return (
    a.forwardState === b.forwardState &&
    a.forwardStatus === b.forwardStatus &&
    a.forwardMs === b.forwardMs &&
    a.forwardError === b.forwardError &&
    a.duplicateCount === b.duplicateCount &&
    a.replayed === b.replayed
  );
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}
