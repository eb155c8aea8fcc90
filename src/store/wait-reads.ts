import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type { Db } from "./db.js";
import { BUSY_TIMEOUT_MS, StoreError, toStoreError } from "./errors.js";
import { MIGRATIONS } from "./migrations.js";
import { Statements } from "./statements.js";
import { Store } from "./store.js";
import type { ForwardState } from "./types.js";

/**
 * Rows `okhook wait` counts: requests the listener accepted as Okta deliveries (and `send
 * fixture`'s, which a local CI dry run uses). Not replays or backfills: those are okhook's own
 * re-sends, and a wait asks whether the event *arrived*.
 */
const ARRIVED = `kind IN ('delivery', 'fixture') AND status BETWEEN 200 AND 299`;

/** Where forwarding of a delivery stands. */
export interface ForwardInfo {
  state: ForwardState;
  /** Last HTTP status the app answered, if any. */
  status: number | null;
  error: string | null;
}

/** One stored event as the events table has it (no body read yet). */
export interface EventRef {
  idx: number;
  uuid: string | null;
  eventType: string | null;
  duplicate: boolean;
}

/** A stored delivery carrying events, oldest first when read. */
export interface WaitRow {
  seq: number;
  deliveryId: string;
  receivedAt: number;
  forward: ForwardInfo;
  events: EventRef[];
}

/** Why a database cannot be waited on yet: absent, or created but not migrated by its listen yet. */
export type NotReady = "missing" | "not-ready";

/**
 * Open a database for `wait` without ever writing it: read-only, and a schema the listener
 * has not finished creating (or an older one, which only `listen` upgrades) is "not ready",
 * tried again later, never upgraded from here.
 */
export function openForWait(file: string): Store | NotReady {
  if (!existsSync(file)) return "missing";
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > MIGRATIONS.length) throw new StoreError(file, { code: "newerSchema", version });
    if (version === MIGRATIONS.length) return new Store(db);
  } catch (err) {
    db?.close();
    // a file caught between its creation and its first page is not a database yet
    if ((err as { code?: string }).code === "SQLITE_NOTADB") return "not-ready";
    throw toStoreError(file, err);
  }
  db.close();
  return "not-ready";
}

/** The reads `okhook wait` makes: all by primary key or index, none that grows with history. */
export class WaitReads {
  private readonly sql: Statements;

  constructor(readonly store: Store) {
    this.sql = new Statements(store.db);
  }

  private stmt(text: string) {
    return this.sql.get(text);
  }

  /** Highest sequence number stored (0 when empty). */
  maxSeq(): number {
    return this.store.deliveries.maxSeq();
  }

  /** A cursor just before the first delivery received at or after `sinceMs` (index seek). */
  cursorAt(sinceMs: number): number {
    const row = this.stmt(
      "SELECT seq FROM deliveries WHERE received_at >= ? ORDER BY received_at LIMIT 1",
    ).get(sinceMs) as { seq: number } | undefined;
    return row ? row.seq - 1 : this.maxSeq();
  }

  /**
   * The next deliveries after `afterSeq` (oldest first, at most `limit` looked at) that arrived
   * with events, and the last seq looked at, so rows of other kinds are passed only once.
   */
  rowsAfter(afterSeq: number, limit: number): { rows: WaitRow[]; lastSeq: number } {
    const scanned = this.stmt(
      `SELECT seq, id, received_at AS receivedAt, ${ARRIVED} AS arrived, forward_state AS state,
        forward_status AS status, forward_error AS error
       FROM deliveries WHERE seq > ? ORDER BY seq LIMIT ?`,
    ).all(afterSeq, limit) as RawDelivery[];
    const last = scanned.at(-1)?.seq ?? afterSeq;
    const arrived = scanned.filter((d) => d.arrived);
    if (arrived.length === 0) return { rows: [], lastSeq: last };
    const events = this.stmt(
      `SELECT delivery_seq AS seq, idx, uuid, event_type AS eventType, duplicate FROM events
       WHERE delivery_seq IN (SELECT value FROM json_each(?)) ORDER BY delivery_seq, idx`,
    ).all(JSON.stringify(arrived.map((d) => d.seq))) as RawEvent[];
    const bySeq = new Map<number, WaitRow>();
    for (const d of arrived) {
      bySeq.set(d.seq, {
        seq: d.seq,
        deliveryId: d.id,
        receivedAt: d.receivedAt,
        forward: { state: d.state, status: d.status, error: d.error },
        events: [],
      });
    }
    for (const e of events) {
      bySeq.get(e.seq)?.events.push({
        idx: e.idx,
        uuid: e.uuid,
        eventType: e.eventType,
        duplicate: !!e.duplicate,
      });
    }
    return { rows: [...bySeq.values()], lastSeq: last };
  }

  /** Forward state of some deliveries (those a `--forwarded` wait still waits on). */
  forwardStates(seqs: readonly number[]): Map<number, ForwardInfo> {
    if (seqs.length === 0) return new Map();
    const rows = this.stmt(
      `SELECT seq, forward_state AS state, forward_status AS status, forward_error AS error
       FROM deliveries WHERE seq IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(seqs)) as (ForwardInfo & { seq: number })[];
    return new Map(rows.map((r) => [r.seq, { state: r.state, status: r.status, error: r.error }]));
  }

  /** The LogEvents of a stored delivery (its body's `data.events`), undefined if unreadable. */
  loadEvents(seq: number): unknown[] | undefined {
    const body = this.store.deliveries.body(seq);
    if (!body) return undefined;
    try {
      const events = (JSON.parse(body.toString("utf8")) as { data?: { events?: unknown } })?.data
        ?.events;
      return Array.isArray(events) ? events : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * SQLite's counter of commits by other connections: unchanged means nothing to read, and
   * asking costs no page read (WAL index header), so an idle wait can ask often.
   */
  dataVersion(): number {
    return this.store.db.pragma("data_version", { simple: true }) as number;
  }

  /** Close the read-only connection (it never wrote, so nothing to checkpoint). */
  close(): void {
    this.store.close();
  }
}

interface RawDelivery {
  seq: number;
  id: string;
  receivedAt: number;
  arrived: number;
  state: ForwardInfo["state"];
  status: number | null;
  error: string | null;
}

interface RawEvent {
  seq: number;
  idx: number;
  uuid: string | null;
  eventType: string | null;
  duplicate: number;
}

/** The wait's reads over `file`, or why it cannot be read yet. */
export function openWaitReads(file: string): WaitReads | NotReady {
  const store = openForWait(file);
  return typeof store === "string" ? store : new WaitReads(store);
}
