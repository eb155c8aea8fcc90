import type { Deliveries } from "./deliveries.js";
import { StoreError } from "./errors.js";
import { ID_LENGTH, normalizeIdInput, SHORT_ID_LENGTH } from "./ids.js";
import type { Statements } from "./statements.js";
import type { DeliveryRow, EventRow } from "./types.js";

/** Shortest reference accepted: fewer characters would match too much to be useful. */
export const MIN_REF_LENGTH = 4;
/** Candidates named in an "ambiguous" error. */
const MAX_CANDIDATES = 5;

/** Where a short id starts in a full id (1-based, for SQLite's substr). */
const SHORT_FROM = ID_LENGTH - SHORT_ID_LENGTH + 1;

/**
 * The lookups, each an index search (never a scan): the full id by its UNIQUE index, a
 * prefix of the full id as a range on it, a prefix of the short id as a range on the
 * `deliveries_short_id` expression index, an event uuid by `events_uuid`. Ranges, not LIKE:
 * a LIKE with a leading wildcard (or any LIKE under the default case-insensitive collation)
 * scans the table.
 */
export const LOOKUP_SQL = {
  byId: "SELECT seq FROM deliveries WHERE id = ?",
  byIdPrefix: `SELECT seq, id FROM deliveries WHERE id >= ? AND id < ? ORDER BY id LIMIT ${MAX_CANDIDATES + 1}`,
  byShortPrefix: `SELECT seq, id FROM deliveries
    WHERE substr(id, ${SHORT_FROM}) >= ? AND substr(id, ${SHORT_FROM}) < ?
    ORDER BY substr(id, ${SHORT_FROM}) LIMIT ${MAX_CANDIDATES + 1}`,
  byEventUuid:
    "SELECT delivery_seq AS seq, idx FROM events WHERE uuid IN (?, ?, ?) ORDER BY delivery_seq LIMIT 1",
} as const;

/** Finds the delivery (and event) a user's reference names. */
export class Lookup {
  private readonly db: LookupDb;

  constructor(
    sql: Statements,
    private readonly deliveries: Deliveries,
  ) {
    this.db = {
      get: (text, ...params) => sql.get(text).get(...params),
      all: (text, ...params) => sql.get(text).all(...params),
    };
  }

  /**
   * Find a delivery by full id, short id or a prefix of either (any case), or event uuid;
   * every lookup is an index search. Unknown or ambiguous references are StoreErrors that
   * name the reference.
   */
  resolve(ref: string): { delivery: DeliveryRow; viaEvent?: EventRow } {
    const found = resolveRef(this.db, ref);
    const delivery = this.deliveries.bySeq(found.seq)!;
    if (found.eventIdx === undefined) return { delivery };
    const events = this.deliveries.events(found.seq);
    return { delivery, viaEvent: events.find((e) => e.idx === found.eventIdx) };
  }
}

/** How the lookups reach the database (the Store's cached statements). */
export interface LookupDb {
  get(sql: string, ...params: unknown[]): unknown;
  all(sql: string, ...params: unknown[]): unknown[];
}

/** A reference resolved: the delivery's seq, and the event's index when it named an event. */
export interface ResolvedRef {
  seq: number;
  eventIdx?: number;
}

/**
 * Resolve what a user typed: a full id, the short id shown in lists or any prefix of it
 * (4+ characters), a prefix of the full id, or an event uuid; any case, Crockford
 * look-alikes (I, L, O) accepted. An exact full id, event uuid or short id wins; otherwise
 * the prefixes must name exactly one delivery. Too short, unknown or ambiguous: a StoreError
 * naming the reference.
 */
export function resolveRef(db: LookupDb, ref: string): ResolvedRef {
  const raw = ref.trim();
  if (raw.length < MIN_REF_LENGTH)
    throw new StoreError(undefined, { code: "refTooShort", ref, min: MIN_REF_LENGTH });
  const id = normalizeIdInput(raw);
  if (id?.length === ID_LENGTH) {
    const row = db.get(LOOKUP_SQL.byId, id) as { seq: number } | undefined;
    if (row) return { seq: row.seq };
  }
  const ev = db.get(LOOKUP_SQL.byEventUuid, raw, raw.toLowerCase(), raw.toUpperCase()) as
    | { seq: number; idx: number }
    | undefined;
  if (ev) return { seq: ev.seq, eventIdx: ev.idx };
  const candidates = id ? findCandidates(db, id) : [];
  if (candidates.length === 1) return { seq: candidates[0]!.seq };
  if (candidates.length === 0) throw new StoreError(undefined, { code: "refNotFound", ref });
  const matches = candidates.slice(0, MAX_CANDIDATES).map((c) => c.id);
  const more = candidates.length > MAX_CANDIDATES;
  throw new StoreError(undefined, { code: "refAmbiguous", ref, matches, more });
}

/** Deliveries whose short id or full id starts with `id`; an exact short id alone wins. */
function findCandidates(db: LookupDb, id: string): { seq: number; id: string }[] {
  const found = new Map<number, { seq: number; id: string }>();
  const upper = `${id}\u{10ffff}`;
  if (id.length <= SHORT_ID_LENGTH) {
    const short = db.all(LOOKUP_SQL.byShortPrefix, id, upper) as { seq: number; id: string }[];
    const exact = short.filter((r) => r.id.endsWith(id) && id.length === SHORT_ID_LENGTH);
    if (exact.length === 1) return exact;
    for (const r of short) found.set(r.seq, r);
  }
  if (id.length < ID_LENGTH) {
    for (const r of db.all(LOOKUP_SQL.byIdPrefix, id, upper) as { seq: number; id: string }[]) {
      found.set(r.seq, r);
    }
  }
  return [...found.values()];
}
