import type { DeliveryRow, ListQuery } from "../store/types.js";
import { type FilterQuery, isFiltering } from "./filter.js";

/** Reads a scan needs. */
export interface ScanSource {
  page(q: ListQuery): DeliveryRow[];
  maxSeq(): number;
}

/** How a scan reads: page size, seq range per read, and its time budget. */
export interface ScanSettings {
  pageSize: number;
  chunkSeqs: number;
  budgetMs: number;
  /** Monotonic milliseconds for the budget. */
  now: () => number;
}

/** One page of a scan, newest first, and where the next one continues. */
export interface Scan {
  rows: DeliveryRow[];
  /** Exclusive keyset bound the next scan in the same direction starts from. */
  bound: number;
  /** Nothing further in this direction. */
  done: boolean;
  /** Stopped on the time budget, not because it found a page: more scanning is due. */
  partial: boolean;
}

/**
 * Rows matching the filter below `bound`, newest first. Unfiltered, one keyset page;
 * filtered, the table is read in seq ranges until a page is found or the budget is spent,
 * so a filter that matches rarely never blocks key presses.
 */
export function scanOlder(
  source: ScanSource,
  filter: FilterQuery,
  bound: number,
  o: ScanSettings,
): Scan {
  const limit = o.pageSize;
  if (!isFiltering(filter)) {
    const rows = source.page({ beforeSeq: bound, limit });
    return { rows, bound: rows.at(-1)?.seq ?? 0, done: rows.length < limit, partial: false };
  }
  const started = o.now();
  const rows: DeliveryRow[] = [];
  // `hi` is exclusive: each chunk reads lo < seq < hi, the next one seq <= lo
  let hi = bound;
  while (hi > 1) {
    const lo = Math.max(0, hi - 1 - o.chunkSeqs);
    const want = limit - rows.length;
    rows.push(...source.page({ ...filter, beforeSeq: hi, afterSeq: lo, limit: want }));
    if (rows.length >= limit) return { rows, bound: rows.at(-1)!.seq, done: false, partial: false };
    hi = lo + 1;
    if (hi > 1 && o.now() - started >= o.budgetMs)
      return { rows, bound: hi, done: false, partial: true };
  }
  return { rows, bound: 0, done: true, partial: false };
}

/** Rows matching the filter above `bound`, returned newest first, scanning upwards. */
export function scanNewer(
  source: ScanSource,
  filter: FilterQuery,
  bound: number,
  o: ScanSettings,
): Scan {
  const limit = o.pageSize;
  if (!isFiltering(filter)) {
    const rows = source.page({ afterSeq: bound, limit }).reverse();
    return { rows, bound: rows[0]?.seq ?? bound, done: rows.length < limit, partial: false };
  }
  const top = source.maxSeq();
  const started = o.now();
  const found: DeliveryRow[] = [];
  // `lo` is exclusive: each chunk reads lo < seq <= hi, the next one seq > hi
  let lo = bound;
  while (lo < top) {
    const hi = Math.min(top, lo + o.chunkSeqs);
    const want = limit - found.length;
    let chunk = source.page({ ...filter, afterSeq: lo, beforeSeq: hi + 1, limit: want });
    // as many matches as wanted: the oldest ones may lie below them, so ask in ascending order
    if (chunk.length === want)
      chunk = source.page({ ...filter, afterSeq: lo, limit: want }).reverse();
    found.unshift(...chunk);
    if (found.length >= limit)
      return { rows: found, bound: found[0]!.seq, done: false, partial: false };
    lo = hi;
    if (lo < top && o.now() - started >= o.budgetMs)
      return { rows: found, bound: lo, done: false, partial: true };
  }
  return { rows: found, bound: Math.max(lo, bound), done: true, partial: false };
}
