import type { Statement } from "better-sqlite3";
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

/**
 * How far a receipt's `received_at` (this machine's clock) may precede its event's
 * `published` (Okta's clock) and still be found: the window is scanned from `since` minus
 * this on `deliveries_received_at`, then filtered on `published`. A receipt can only come
 * later than its event (late deliveries, backfills), so there is no upper bound.
 */
export const CLOCK_SKEW_SLACK_MS = 15 * 60_000;

/** A reconcile window over `events.published` (ISO strings compare in time order). */
export interface EventWindow {
  /** Inclusive lower bound, epoch ms. */
  since: number;
  /** Exclusive upper bound, epoch ms. */
  until: number;
}

/** A receipt in the window: only what reconcile's receipt index keeps. */
export interface WindowReceiptRow {
  uuid: string;
  eventType: string | null;
  receivedAt: number;
  /** 1 when okhook sent it from the System Log (`--replay-missing`), 0 when Okta did. */
  backfill: 0 | 1;
}

/** One stored receipt of an event (one row per delivery that carried it), in full. */
export interface ReceiptRow {
  uuid: string;
  eventType: string | null;
  published: string | null;
  displayMessage: string | null;
  receivedAt: number;
  deliveryId: string;
  backfill: boolean;
}

/** The local side of a reconcile as the store provides it (reconcile's `LocalEvents`). */
export interface StoredReceipts {
  byUuid(uuid: string): ReceiptRow[];
  inWindow(): Iterable<WindowReceiptRow>;
}

interface RawRow extends Omit<ReceiptRow, "backfill"> {
  backfill: number;
}

/**
 * The local side of a reconcile, read from the okhook database: events joined to the
 * deliveries that carried them. `inWindow` is one range scan (deliveries by receipt time,
 * their events by primary key) that streams only what the receipt index keeps (uuid, type,
 * time, backfill); full rows are read by uuid for the few events a report lists.
 */
export class StoreLocalEvents implements StoredReceipts {
  private readonly since: string;
  private readonly until: string;
  private readonly receivedFrom: number;
  private readonly byUuidStmt: Statement;

  constructor(
    private readonly store: Store,
    window: EventWindow,
  ) {
    this.since = new Date(window.since).toISOString();
    this.until = new Date(window.until).toISOString();
    this.receivedFrom = window.since - CLOCK_SKEW_SLACK_MS;
    this.byUuidStmt = store.db.prepare(
      `SELECT ${ROW_COLUMNS} FROM events e JOIN deliveries d ON d.seq = e.delivery_seq
       WHERE e.uuid = ? AND ${RECEIPT} ORDER BY d.received_at`,
    );
  }

  /** Every receipt of this uuid, whenever it was received (uuids are stored lower-case). */
  byUuid(uuid: string): ReceiptRow[] {
    return (this.byUuidStmt.all(uuid.toLowerCase()) as RawRow[]).map(toRow);
  }

  /** Receipts whose event was published inside the window, streamed (`backfill` is 0/1). */
  inWindow(): Iterable<WindowReceiptRow> {
    const stmt = this.store.db.prepare(
      `SELECT e.uuid AS uuid, e.event_type AS eventType, d.received_at AS receivedAt,
         d.kind = 'backfill' AS backfill
       FROM deliveries d JOIN events e ON e.delivery_seq = d.seq
       WHERE d.received_at >= ? AND e.published >= ? AND e.published < ?
         AND e.uuid IS NOT NULL AND ${RECEIPT}`,
    );
    return stmt.iterate(this.receivedFrom, this.since, this.until) as Iterable<WindowReceiptRow>;
  }
}

/** No local events at all (no database yet): everything in the System Log is missing. */
export const NO_LOCAL_EVENTS: StoredReceipts = {
  byUuid: () => [],
  inWindow: () => [],
};

function toRow(raw: RawRow): ReceiptRow {
  return { ...raw, backfill: raw.backfill === 1 };
}
