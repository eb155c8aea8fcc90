import type { Statement } from "better-sqlite3";
import type { LocalEventRow, LocalEvents } from "../reconcile/diff.js";
import type { Store } from "./store.js";

/**
 * Which stored rows are receipts of an Okta event, for reconcile:
 * - `delivery`: what Okta (or anything holding the secret) POSTed to the listener and got a 2xx;
 * - `backfill`: events okhook sent from the System Log (`reconcile --replay-missing`) and the
 *   target accepted (2xx).
 * Not counted: `replay` and `fixture` rows (okhook's own re-sends and made-up events would
 * look duplicated or unexpected), and rejected/invalid/other requests (never accepted).
 */
const RECEIPT = `d.kind IN ('delivery', 'backfill') AND d.status BETWEEN 200 AND 299`;

const ROW_COLUMNS = `e.uuid AS uuid, e.event_type AS eventType, e.published AS published,
  e.display_message AS displayMessage, d.received_at AS receivedAt, d.id AS deliveryId,
  d.kind = 'backfill' AS backfill`;

/** A reconcile window over `events.published` (ISO strings compare in time order). */
export interface EventWindow {
  /** Inclusive lower bound, epoch ms. */
  since: number;
  /** Exclusive upper bound, epoch ms. */
  until: number;
}

interface RawRow extends Omit<LocalEventRow, "backfill"> {
  backfill: number;
}

/**
 * The local side of a reconcile, read from the okhook database: events joined to the
 * deliveries that carried them. `inWindow` streams with `.iterate()`, so memory stays flat
 * however many events the window holds.
 */
export class StoreLocalEvents implements LocalEvents {
  private readonly since: string;
  private readonly until: string;
  private readonly byUuidStmt: Statement;

  constructor(
    private readonly store: Store,
    window: EventWindow,
  ) {
    this.since = new Date(window.since).toISOString();
    this.until = new Date(window.until).toISOString();
    this.byUuidStmt = store.db.prepare(
      `SELECT ${ROW_COLUMNS} FROM events e JOIN deliveries d ON d.seq = e.delivery_seq
       WHERE e.uuid = ? AND ${RECEIPT} ORDER BY d.received_at`,
    );
  }

  /** Every receipt of this uuid, whenever it was received (uuids are stored lower-case). */
  byUuid(uuid: string): LocalEventRow[] {
    return (this.byUuidStmt.all(uuid.toLowerCase()) as RawRow[]).map(toRow);
  }

  /** Receipts whose event was published inside the window, streamed. */
  *inWindow(): Iterable<LocalEventRow> {
    const stmt = this.store.db.prepare(
      `SELECT ${ROW_COLUMNS} FROM events e JOIN deliveries d ON d.seq = e.delivery_seq
       WHERE e.published >= ? AND e.published < ? AND e.uuid IS NOT NULL AND ${RECEIPT}`,
    );
    for (const raw of stmt.iterate(this.since, this.until) as Iterable<RawRow>) yield toRow(raw);
  }

  /** Distinct event types received in the window (the default reconcile filter). */
  eventTypes(): string[] {
    const rows = this.store.db
      .prepare(
        `SELECT DISTINCT e.event_type AS t FROM events e JOIN deliveries d ON d.seq = e.delivery_seq
         WHERE e.published >= ? AND e.published < ? AND e.event_type IS NOT NULL AND ${RECEIPT}
         ORDER BY t`,
      )
      .all(this.since, this.until) as { t: string }[];
    return rows.map((r) => r.t);
  }
}

/** No local events at all (no database yet): everything in the System Log is missing. */
export const NO_LOCAL_EVENTS: LocalEvents & { eventTypes(): string[] } = {
  byUuid: () => [],
  inWindow: () => [],
  eventTypes: () => [],
};

function toRow(raw: RawRow): LocalEventRow {
  return { ...raw, backfill: raw.backfill === 1 };
}
