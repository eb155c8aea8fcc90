import type { Store } from "./store.js";
import type { DeliveryRow, FullAttempt, FullDelivery, FullEvent, ListQuery } from "./types.js";

/** Rows read per keyset page of an export. */
export const EXPORT_PAGE_ROWS = 500;
/** Body bytes read at once: a page of big bodies is read in groups up to this size. */
export const EXPORT_GROUP_BYTES = 8 * 1024 * 1024;

/** What an export selects: a list query (oldest first), or given sequence numbers in order. */
export type ExportSelection =
  | { query: Omit<ListQuery, "limit" | "order" | "afterSeq"> }
  | { seqs: number[] };

/**
 * Every selected delivery with its body, events and attempts, oldest first. Pages by keyset
 * (never OFFSET, never all at once) and reads bodies in groups of at most EXPORT_GROUP_BYTES,
 * so memory stays bounded whatever the database holds. A query is capped at the newest
 * delivery stored when it starts (a running listener's new rows are not chased).
 */
export function* exportDeliveries(
  store: Store,
  sel: ExportSelection,
  o: { pageRows?: number; groupBytes?: number } = {},
): Generator<FullDelivery> {
  const groupBytes = o.groupBytes ?? EXPORT_GROUP_BYTES;
  if ("seqs" in sel) {
    for (const seq of sel.seqs) {
      const row = store.deliveries.bySeq(seq);
      if (row) yield* withDetails(store, [row], groupBytes);
    }
    return;
  }
  const pageRows = o.pageRows ?? EXPORT_PAGE_ROWS;
  const base = { ...sel.query, beforeSeq: sel.query.beforeSeq ?? store.deliveries.maxSeq() + 1 };
  for (let afterSeq = 0; ; ) {
    const rows = store.deliveries.list({ ...base, afterSeq, order: "asc", limit: pageRows });
    yield* withDetails(store, rows, groupBytes);
    if (rows.length < pageRows) return;
    afterSeq = rows[rows.length - 1]!.seq;
  }
}

/** How many deliveries an export selection holds (for the progress bar). */
export function exportCount(store: Store, sel: ExportSelection): number {
  if ("seqs" in sel) return sel.seqs.length;
  return store.deliveries.count({
    ...sel.query,
    beforeSeq: sel.query.beforeSeq ?? store.deliveries.maxSeq() + 1,
  });
}

function* withDetails(
  store: Store,
  rows: DeliveryRow[],
  groupBytes: number,
): Generator<FullDelivery> {
  for (let start = 0; start < rows.length; ) {
    let end = start + 1;
    for (let bytes = rows[start]!.size; end < rows.length; end++) {
      bytes += rows[end]!.size;
      if (bytes > groupBytes) break;
    }
    const group = rows.slice(start, end);
    const seqs = group.map((r) => r.seq);
    const bodies = store.deliveries.bodies(seqs);
    const events = store.deliveries.eventsOf(seqs);
    const attempts = store.attempts.fullOf(seqs);
    for (const r of group)
      yield full(r, bodies.get(r.seq) ?? null, events.get(r.seq), attempts.get(r.seq));
    start = end;
  }
}

function full(
  row: DeliveryRow,
  body: Buffer | null,
  events: FullEvent[] = [],
  attempts: FullAttempt[] = [],
): FullDelivery {
  const { eventCount: _c, firstEventType: _f, ...rest } = row;
  return { ...rest, body, events, attempts };
}
