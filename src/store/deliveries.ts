import { countSql, listSql } from "./list-sql.js";
import type { Statements } from "./statements.js";
import type {
  Counters,
  DeliveryPayload,
  DeliveryRow,
  EventRow,
  ForwardState,
  FullEvent,
  ListQuery,
  NewDelivery,
  StoredDelivery,
} from "./types.js";

const DELIVERY_COLUMNS = `seq, id, received_at AS receivedAt, method, path, remote_addr AS remoteAddr,
  headers, size, kind, status, ack_ms AS ackMs, auth, event_count AS eventCount,
  duplicate_count AS duplicateCount, first_event_type AS firstEventType,
  envelope_event_id AS envelopeEventId, reason, forward_state AS forwardState,
  forward_status AS forwardStatus, forward_ms AS forwardMs, forward_error AS forwardError,
  replay_of AS replayOf, inline_outcome AS inlineOutcome, inline_applied AS inlineApplied`;
// Whether a replay attempt exists: an attempts_delivery index seek per row returned, asked
// for by the TUI only (never by the forwarder's reads, a hot path).
const REPLAYED_COLUMN = `, EXISTS (SELECT 1 FROM attempts a
  WHERE a.delivery_seq = deliveries.seq AND a.kind = 'replay') AS replayed`;

/**
 * The `deliveries` table and the `events` each delivery carried. `insert` is the listener's
 * hot path (one transaction per group commit, statements prepared once): keep it lean.
 */
export class Deliveries {
  private readonly insertAll: (records: NewDelivery[]) => StoredDelivery[];

  constructor(private readonly sql: Statements) {
    this.insertAll = sql.db.transaction((records: NewDelivery[]) =>
      records.map((r) => this.insertOne(r)),
    );
  }

  /** Store deliveries and their events in ONE transaction (group commit), flagging duplicate uuids. */
  insert(records: NewDelivery[]): StoredDelivery[] {
    return this.insertAll(records);
  }

  private insertOne(r: NewDelivery): StoredDelivery {
    const info = this.sql
      .get(
        `INSERT INTO deliveries (id, received_at, method, path, remote_addr, headers, body, size, kind,
        status, ack_ms, auth, event_count, first_event_type, envelope_event_id, reason, forward_state, replay_of)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        r.id,
        r.receivedAt,
        r.method,
        r.path,
        r.remoteAddr,
        JSON.stringify(r.headers),
        r.body,
        r.size,
        r.kind,
        r.status,
        r.ackMs ?? null,
        r.auth,
        r.events.length,
        r.firstEventType ?? r.events[0]?.eventType ?? null,
        r.envelopeEventId ?? null,
        r.reason ?? null,
        r.forwardState,
        r.replayOf ?? null,
      );
    const seq = Number(info.lastInsertRowid);
    let duplicateCount = 0;
    const seen = this.sql.get("SELECT 1 FROM events WHERE uuid = ? LIMIT 1");
    const insertEvent = this.sql.get(
      `INSERT INTO events (delivery_seq, idx, uuid, event_type, published, display_message, actor,
        outcome, targets, duplicate) VALUES (?,?,?,?,?,?,?,?,?,?)`,
    );
    r.events.forEach((e, idx) => {
      const duplicate = e.uuid !== null && seen.get(e.uuid) !== undefined;
      if (duplicate) duplicateCount++;
      insertEvent.run(
        seq,
        idx,
        e.uuid,
        e.eventType,
        e.published,
        e.displayMessage,
        e.actor,
        e.outcome,
        e.targets,
        duplicate ? 1 : 0,
      );
    });
    if (duplicateCount > 0) {
      this.sql
        .get("UPDATE deliveries SET duplicate_count = ? WHERE seq = ?")
        .run(duplicateCount, seq);
    }
    return { seq, id: r.id, duplicateCount };
  }

  /** What a forward or replay sends: id, receipt time, stored headers and raw body, in one read. */
  payload(seq: number): DeliveryPayload | undefined {
    const row = this.sql
      .get("SELECT id, received_at AS receivedAt, headers, body FROM deliveries WHERE seq = ?")
      .get(seq) as (Omit<DeliveryPayload, "headers"> & { headers: string }) | undefined;
    return row && { ...row, headers: JSON.parse(row.headers) as DeliveryPayload["headers"] };
  }

  /** Deliveries newest first, paged by keyset on `seq`. */
  list(q: ListQuery): DeliveryRow[] {
    const { sql, params } = listSql(DELIVERY_COLUMNS + (q.replayed ? REPLAYED_COLUMN : ""), q);
    return (this.sql.get(sql).all(...params) as RawDelivery[]).map(toDelivery);
  }

  /** How many deliveries a list query matches (ignoring its limit). */
  count(q: Omit<ListQuery, "limit">): number {
    const { sql, params } = countSql(q);
    return (this.sql.get(sql).get(...params) as { n: number }).n;
  }

  /** One delivery by sequence number (`replayed`: also whether it was replayed). */
  bySeq(seq: number, { replayed = false } = {}): DeliveryRow | undefined {
    const columns = DELIVERY_COLUMNS + (replayed ? REPLAYED_COLUMN : "");
    const row = this.sql.get(`SELECT ${columns} FROM deliveries WHERE seq = ?`).get(seq);
    return row ? toDelivery(row as RawDelivery) : undefined;
  }

  /** Raw body bytes of a delivery (null for bodies not kept, e.g. too large). */
  body(seq: number): Buffer | null {
    const row = this.sql.get("SELECT body FROM deliveries WHERE seq = ?").get(seq) as
      | { body: Buffer | null }
      | undefined;
    return row?.body ?? null;
  }

  /** Raw bodies of several deliveries in one read (a replay reads a selection page at once). */
  bodies(seqs: readonly number[]): Map<number, Buffer | null> {
    const rows = this.sql
      .get("SELECT seq, body FROM deliveries WHERE seq IN (SELECT value FROM json_each(?))")
      .all(JSON.stringify(seqs)) as { seq: number; body: Buffer | null }[];
    return new Map(rows.map((r) => [r.seq, r.body]));
  }

  /** Events of a delivery in order. */
  events(seq: number): EventRow[] {
    return (
      this.sql
        .get(
          `SELECT delivery_seq AS deliverySeq, idx, uuid, event_type AS eventType, published,
          display_message AS displayMessage, actor, outcome, targets, duplicate
         FROM events WHERE delivery_seq = ? ORDER BY idx`,
        )
        .all(seq) as RawEvent[]
    ).map((e) => ({ ...e, duplicate: !!e.duplicate }));
  }

  /** Events of several deliveries in one read, in order, by delivery (export reads a page). */
  eventsOf(seqs: readonly number[]): Map<number, FullEvent[]> {
    const rows = this.sql
      .get(
        `SELECT delivery_seq AS deliverySeq, idx, uuid, event_type AS eventType, published,
          display_message AS displayMessage, actor, outcome, targets, duplicate
         FROM events WHERE delivery_seq IN (SELECT value FROM json_each(?))
         ORDER BY delivery_seq, idx`,
      )
      .all(JSON.stringify(seqs)) as RawEvent[];
    const out = new Map<number, FullEvent[]>();
    for (const { deliverySeq, ...e } of rows) {
      const list = out.get(deliverySeq) ?? [];
      list.push({ ...e, duplicate: !!e.duplicate });
      out.set(deliverySeq, list);
    }
    return out;
  }

  /** Update a delivery's forwarding summary. */
  setForward(
    seq: number,
    f: { state: ForwardState; status?: number | null; ms?: number | null; error?: string | null },
  ): void {
    this.sql
      .get(
        "UPDATE deliveries SET forward_state = ?, forward_status = ?, forward_ms = ?, forward_error = ? WHERE seq = ?",
      )
      .run(f.state, f.status ?? null, f.ms ?? null, f.error ?? null, seq);
  }

  /** What the app answered an inline request (status, time, error) and Okta's verdict in words. */
  setInlineAnswer(
    seq: number,
    a: {
      state: ForwardState;
      appStatus: number | null;
      appMs: number | null;
      error: string | null;
      /** Okta's verdict in words, shown in lists. */
      reason: string;
    },
  ): void {
    this.sql
      .get(
        "UPDATE deliveries SET forward_state = ?, forward_status = ?, forward_ms = ?, forward_error = ?, reason = ? WHERE seq = ?",
      )
      .run(a.state, a.appStatus, a.appMs, a.error, a.reason, seq);
  }

  /** Sequence numbers of deliveries stored but not yet forwarded, oldest first. */
  pendingForward(): number[] {
    return (
      this.sql
        .get("SELECT seq FROM deliveries WHERE forward_state = 'pending' ORDER BY seq")
        .all() as {
        seq: number;
      }[]
    ).map((r) => r.seq);
  }

  /** Counters for the status header (one indexed scan; cheap enough to refresh every few seconds). */
  counters(sinceSeq = 0): Counters {
    return this.sql
      .get(
        `SELECT COUNT(*) AS received,
        COALESCE(SUM(forward_state = 'forwarded'), 0) AS forwarded,
        COALESCE(SUM(forward_state = 'failed'), 0) AS failed,
        COALESCE(SUM(forward_state = 'pending'), 0) AS pending,
        COALESCE(SUM(duplicate_count > 0), 0) AS duplicates,
        COALESCE(SUM(kind = 'rejected'), 0) AS rejected,
        COALESCE(SUM(kind IN ('invalid', 'too_large', 'not_found', 'method_not_allowed')), 0) AS invalid,
        COALESCE(SUM(kind = 'verification'), 0) AS verifications
       FROM deliveries WHERE seq > ?`,
      )
      .get(sinceSeq) as Counters;
  }

  /** Highest sequence number stored so far (0 when empty). */
  maxSeq(): number {
    return (
      this.sql.get("SELECT COALESCE(MAX(seq), 0) AS m FROM deliveries").get() as { m: number }
    ).m;
  }
}

type RawEvent = Omit<EventRow, "duplicate"> & { duplicate: number };

type RawDelivery = Omit<DeliveryRow, "headers" | "inlineApplied" | "replayed"> & {
  headers: string;
  inlineApplied: number | null;
  replayed?: number;
};

function toDelivery(r: RawDelivery): DeliveryRow {
  const { replayed, ...row } = r;
  const headers = JSON.parse(r.headers) as DeliveryRow["headers"];
  const inlineApplied = r.inlineApplied === null ? null : !!r.inlineApplied;
  return replayed === undefined
    ? { ...row, headers, inlineApplied }
    : { ...row, headers, inlineApplied, replayed: replayed === 1 };
}
