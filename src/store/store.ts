import type { Statement } from "better-sqlite3";
import { closeDb, type Db } from "./db.js";
import { countSql, listSql } from "./list-sql.js";
import { resolveRef } from "./lookup.js";
import type {
  AttemptRow,
  DeliveryPayload,
  DeliveryRow,
  EventRow,
  ForwardState,
  HeaderPairs,
  ListQuery,
  NewAttempt,
  NewDelivery,
  StoredDelivery,
} from "./types.js";

export type { StoredDelivery } from "./types.js";

/** Counters shown in the status header. */
export interface Counters {
  received: number;
  forwarded: number;
  failed: number;
  pending: number;
  duplicates: number;
  rejected: number;
  invalid: number;
  verifications: number;
  /** Requests that failed auth or were not Okta-shaped past the listener's rate: counted, not stored. */
  notStored?: number;
}

const DELIVERY_COLUMNS = `seq, id, received_at AS receivedAt, method, path, remote_addr AS remoteAddr,
  headers, size, kind, status, ack_ms AS ackMs, auth, event_count AS eventCount,
  duplicate_count AS duplicateCount, first_event_type AS firstEventType,
  envelope_event_id AS envelopeEventId, reason, forward_state AS forwardState,
  forward_status AS forwardStatus, forward_ms AS forwardMs, forward_error AS forwardError,
  replay_of AS replayOf`;

/** The repository over the okhook database: the only code that writes SQL. */
export class Store {
  readonly db: Db;
  private readonly cache = new Map<string, Statement>();
  private readonly insertAll: (records: NewDelivery[]) => StoredDelivery[];
  private readonly runBatch: (fn: () => void) => void;

  constructor(db: Db) {
    this.db = db;
    this.insertAll = db.transaction((records: NewDelivery[]) =>
      records.map((r) => this.insertOne(r)),
    );
    this.runBatch = db.transaction((fn: () => void) => fn());
  }

  private stmt(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /** Store deliveries and their events in ONE transaction (group commit), flagging duplicate uuids. */
  insertDeliveries(records: NewDelivery[]): StoredDelivery[] {
    return this.insertAll(records);
  }

  private insertOne(r: NewDelivery): StoredDelivery {
    const info = this.stmt(
      `INSERT INTO deliveries (id, received_at, method, path, remote_addr, headers, body, size, kind,
        status, ack_ms, auth, event_count, first_event_type, envelope_event_id, reason, forward_state, replay_of)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ).run(
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
      r.events[0]?.eventType ?? null,
      r.envelopeEventId ?? null,
      r.reason ?? null,
      r.forwardState,
      r.replayOf ?? null,
    );
    const seq = Number(info.lastInsertRowid);
    let duplicateCount = 0;
    const seen = this.stmt("SELECT 1 FROM events WHERE uuid = ? LIMIT 1");
    const insertEvent = this.stmt(
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
      this.stmt("UPDATE deliveries SET duplicate_count = ? WHERE seq = ?").run(duplicateCount, seq);
    }
    return { seq, id: r.id, duplicateCount };
  }

  /** Run several writes in one transaction (one commit). */
  batch(fn: () => void): void {
    this.runBatch(fn);
  }

  /** What a forward or replay sends: id, receipt time, stored headers and raw body, in one read. */
  payload(seq: number): DeliveryPayload | undefined {
    const row = this.stmt(
      "SELECT id, received_at AS receivedAt, headers, body FROM deliveries WHERE seq = ?",
    ).get(seq) as
      | { id: string; receivedAt: number; headers: string; body: Buffer | null }
      | undefined;
    return row && { ...row, headers: JSON.parse(row.headers) as HeaderPairs };
  }

  /** Deliveries newest first, paged by keyset on `seq`. */
  list(q: ListQuery): DeliveryRow[] {
    const { sql, params } = listSql(DELIVERY_COLUMNS, q);
    return (this.stmt(sql).all(...params) as RawDelivery[]).map(toDelivery);
  }

  /** How many deliveries a list query matches (ignoring its limit). */
  count(q: Omit<ListQuery, "limit">): number {
    const { sql, params } = countSql(q);
    return (this.stmt(sql).get(...params) as { n: number }).n;
  }

  /** One delivery by sequence number. */
  bySeq(seq: number): DeliveryRow | undefined {
    const row = this.stmt(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE seq = ?`).get(seq);
    return row ? toDelivery(row as RawDelivery) : undefined;
  }

  /**
   * Find a delivery by full id, short id or a prefix of either (any case), or event uuid;
   * every lookup is an index search (see lookup.ts). Unknown or ambiguous references are
   * StoreErrors that name the reference.
   */
  resolve(ref: string): { delivery: DeliveryRow; viaEvent?: EventRow } {
    const found = resolveRef(
      {
        get: (sql, ...params) => this.stmt(sql).get(...params),
        all: (sql, ...params) => this.stmt(sql).all(...params),
      },
      ref,
    );
    const delivery = this.bySeq(found.seq)!;
    if (found.eventIdx === undefined) return { delivery };
    return { delivery, viaEvent: this.events(found.seq).find((e) => e.idx === found.eventIdx) };
  }

  /** Raw bodies of several deliveries in one read (a replay reads a selection page at once). */
  bodies(seqs: readonly number[]): Map<number, Buffer | null> {
    const rows = this.stmt(
      "SELECT seq, body FROM deliveries WHERE seq IN (SELECT value FROM json_each(?))",
    ).all(JSON.stringify(seqs)) as { seq: number; body: Buffer | null }[];
    return new Map(rows.map((r) => [r.seq, r.body]));
  }

  /** Highest attempt number per delivery and target, for several deliveries in one read. */
  lastAttemptNos(seqs: readonly number[]): Map<number, Map<string, number>> {
    const rows = this.stmt(
      `SELECT delivery_seq AS seq, target, MAX(attempt) AS n FROM attempts
       WHERE delivery_seq IN (SELECT value FROM json_each(?)) GROUP BY delivery_seq, target`,
    ).all(JSON.stringify(seqs)) as { seq: number; target: string; n: number }[];
    const out = new Map<number, Map<string, number>>();
    for (const r of rows) {
      const byTarget = out.get(r.seq) ?? new Map<string, number>();
      byTarget.set(r.target, r.n);
      out.set(r.seq, byTarget);
    }
    return out;
  }

  /** Raw body bytes of a delivery (null for bodies not kept, e.g. too large). */
  body(seq: number): Buffer | null {
    const row = this.stmt("SELECT body FROM deliveries WHERE seq = ?").get(seq) as
      | { body: Buffer | null }
      | undefined;
    return row?.body ?? null;
  }

  /** Events of a delivery in order. */
  events(seq: number): EventRow[] {
    return (
      this.stmt(
        `SELECT delivery_seq AS deliverySeq, idx, uuid, event_type AS eventType, published,
          display_message AS displayMessage, actor, outcome, targets, duplicate
         FROM events WHERE delivery_seq = ? ORDER BY idx`,
      ).all(seq) as RawEvent[]
    ).map((e) => ({ ...e, duplicate: !!e.duplicate }));
  }

  /** Forward and replay attempts of a delivery, oldest first. */
  attempts(seq: number): AttemptRow[] {
    return (
      this.stmt(
        `SELECT id, delivery_seq AS deliverySeq, kind, target, attempt, started_at AS startedAt,
          duration_ms AS durationMs, status, error, response, slow
         FROM attempts WHERE delivery_seq = ? ORDER BY id`,
      ).all(seq) as (Omit<AttemptRow, "response" | "slow"> & {
        response: Buffer | null;
        slow: number;
      })[]
    ).map((a) => ({
      ...a,
      response: a.response ? a.response.toString("utf8") : null,
      slow: !!a.slow,
    }));
  }

  /** Record an attempt; returns its id. */
  addAttempt(a: NewAttempt): number {
    const info = this.stmt(
      `INSERT INTO attempts (delivery_seq, kind, target, attempt, started_at, duration_ms, status, error, response, slow)
       VALUES (?,?,?,?,?,?,?,?,?,?)`,
    ).run(
      a.deliverySeq,
      a.kind,
      a.target,
      a.attempt,
      a.startedAt,
      a.durationMs,
      a.status,
      a.error,
      a.response ?? null,
      a.slow ? 1 : 0,
    );
    return Number(info.lastInsertRowid);
  }

  /** Highest attempt number already made for a delivery and target. */
  lastAttemptNo(seq: number, target: string): number {
    const row = this.stmt(
      "SELECT MAX(attempt) AS n FROM attempts WHERE delivery_seq = ? AND target = ?",
    ).get(seq, target) as { n: number | null };
    return row.n ?? 0;
  }

  /** Target of the most recent forward attempt of a delivery (where the listener sent it). */
  lastForwardTarget(seq: number): string | undefined {
    const row = this.stmt(
      "SELECT target FROM attempts WHERE delivery_seq = ? AND kind = 'forward' ORDER BY id DESC LIMIT 1",
    ).get(seq) as { target: string } | undefined;
    return row?.target;
  }

  /** Whether a target already answered 2xx to a forward of this delivery. */
  forwardedTo(seq: number, target: string): boolean {
    return (
      this.stmt(
        `SELECT 1 FROM attempts WHERE delivery_seq = ? AND target = ? AND kind = 'forward'
          AND status BETWEEN 200 AND 299 LIMIT 1`,
      ).get(seq, target) !== undefined
    );
  }

  /** Update a delivery's forwarding summary. */
  setForward(
    seq: number,
    f: { state: ForwardState; status?: number | null; ms?: number | null; error?: string | null },
  ): void {
    this.stmt(
      "UPDATE deliveries SET forward_state = ?, forward_status = ?, forward_ms = ?, forward_error = ? WHERE seq = ?",
    ).run(f.state, f.status ?? null, f.ms ?? null, f.error ?? null, seq);
  }

  /** Sequence numbers of deliveries stored but not yet forwarded, oldest first. */
  pendingForward(): number[] {
    return (
      this.stmt(
        "SELECT seq FROM deliveries WHERE forward_state = 'pending' ORDER BY seq",
      ).all() as {
        seq: number;
      }[]
    ).map((r) => r.seq);
  }

  /** Counters for the status header (one indexed scan; cheap enough to refresh every few seconds). */
  counters(sinceSeq = 0): Counters {
    return this.stmt(
      `SELECT COUNT(*) AS received,
        COALESCE(SUM(forward_state = 'forwarded'), 0) AS forwarded,
        COALESCE(SUM(forward_state = 'failed'), 0) AS failed,
        COALESCE(SUM(forward_state = 'pending'), 0) AS pending,
        COALESCE(SUM(duplicate_count > 0), 0) AS duplicates,
        COALESCE(SUM(kind = 'rejected'), 0) AS rejected,
        COALESCE(SUM(kind IN ('invalid', 'too_large', 'not_found', 'method_not_allowed')), 0) AS invalid,
        COALESCE(SUM(kind = 'verification'), 0) AS verifications
       FROM deliveries WHERE seq > ?`,
    ).get(sinceSeq) as Counters;
  }

  /** Highest sequence number stored so far (0 when empty). */
  maxSeq(): number {
    return (this.stmt("SELECT COALESCE(MAX(seq), 0) AS m FROM deliveries").get() as { m: number })
      .m;
  }

  /** Read a meta value. */
  getMeta(key: string): string | undefined {
    return (
      this.stmt("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined
    )?.value;
  }

  /** Write a meta value. */
  setMeta(key: string, value: string): void {
    this.stmt(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(key, value);
  }

  /** Close the database (checkpointing the WAL; see closeDb). */
  close(): void {
    closeDb(this.db);
  }
}

type RawEvent = Omit<EventRow, "duplicate"> & { duplicate: number };

type RawDelivery = Omit<DeliveryRow, "headers"> & { headers: string };

function toDelivery(r: RawDelivery): DeliveryRow {
  return { ...r, headers: JSON.parse(r.headers) as DeliveryRow["headers"] };
}
