import type { Statements } from "./statements.js";
import type { AttemptRow, FullAttempt, HeaderPairs, NewAttempt } from "./types.js";

/**
 * The `attempts` table: one row per forward, replay or backfill send of a delivery. (The
 * forwarder writes its rows around each send through ForwardAttempts, forward-attempts.ts.)
 */
export class Attempts {
  constructor(private readonly sql: Statements) {}

  /** Attempts of a delivery, oldest first. */
  of(seq: number): AttemptRow[] {
    return (
      this.sql
        .get(
          `SELECT id, delivery_seq AS deliverySeq, kind, target, attempt, started_at AS startedAt,
          duration_ms AS durationMs, status, error, response, slow
         FROM attempts WHERE delivery_seq = ? ORDER BY id`,
        )
        .all(seq) as (Omit<AttemptRow, "response" | "slow"> & {
        response: Buffer | null;
        slow: number;
      })[]
    ).map((a) => ({
      ...a,
      response: a.response ? a.response.toString("utf8") : null,
      slow: !!a.slow,
    }));
  }

  /**
   * Attempts of several deliveries in one read, oldest first, by delivery, with the answer's
   * exact bytes and headers (what export writes).
   */
  fullOf(seqs: readonly number[]): Map<number, FullAttempt[]> {
    const rows = this.sql
      .get(
        `SELECT id, delivery_seq AS deliverySeq, kind, target, attempt, started_at AS startedAt,
          duration_ms AS durationMs, status, error, response, slow,
          response_headers AS responseHeaders
         FROM attempts WHERE delivery_seq IN (SELECT value FROM json_each(?)) ORDER BY id`,
      )
      .all(JSON.stringify(seqs)) as (Omit<FullAttempt, "slow" | "responseHeaders"> & {
      deliverySeq: number;
      slow: number;
      responseHeaders: string | null;
    })[];
    const out = new Map<number, FullAttempt[]>();
    for (const { deliverySeq, responseHeaders, ...a } of rows) {
      const list = out.get(deliverySeq) ?? [];
      list.push({
        ...a,
        slow: !!a.slow,
        responseHeaders:
          responseHeaders === null ? null : (JSON.parse(responseHeaders) as HeaderPairs),
      });
      out.set(deliverySeq, list);
    }
    return out;
  }

  /** Record an attempt; returns its id. */
  add(a: NewAttempt): number {
    const info = this.sql
      .get(
        `INSERT INTO attempts (delivery_seq, kind, target, attempt, started_at, duration_ms, status,
          error, response, slow, response_headers) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
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
        a.responseHeaders ? JSON.stringify(a.responseHeaders) : null,
      );
    return Number(info.lastInsertRowid);
  }

  /** Highest attempt number already made for a delivery and target. */
  lastNo(seq: number, target: string): number {
    const row = this.sql
      .get("SELECT MAX(attempt) AS n FROM attempts WHERE delivery_seq = ? AND target = ?")
      .get(seq, target) as { n: number | null };
    return row.n ?? 0;
  }

  /** Highest attempt number per delivery and target, for several deliveries in one read. */
  lastNos(seqs: readonly number[]): Map<number, Map<string, number>> {
    const rows = this.sql
      .get(
        `SELECT delivery_seq AS seq, target, MAX(attempt) AS n FROM attempts
       WHERE delivery_seq IN (SELECT value FROM json_each(?)) GROUP BY delivery_seq, target`,
      )
      .all(JSON.stringify(seqs)) as { seq: number; target: string; n: number }[];
    const out = new Map<number, Map<string, number>>();
    for (const r of rows) {
      const byTarget = out.get(r.seq) ?? new Map<string, number>();
      byTarget.set(r.target, r.n);
      out.set(r.seq, byTarget);
    }
    return out;
  }

  /** Target of the most recent forward attempt of a delivery (where the listener sent it). */
  lastForwardTarget(seq: number): string | undefined {
    const row = this.sql
      .get(
        "SELECT target FROM attempts WHERE delivery_seq = ? AND kind = 'forward' ORDER BY id DESC LIMIT 1",
      )
      .get(seq) as { target: string } | undefined;
    return row?.target;
  }

  /** Whether a target already answered 2xx to a forward of this delivery. */
  forwardedTo(seq: number, target: string): boolean {
    return (
      this.sql
        .get(
          `SELECT 1 FROM attempts WHERE delivery_seq = ? AND target = ? AND kind = 'forward'
          AND status BETWEEN 200 AND 299 LIMIT 1`,
        )
        .get(seq, target) !== undefined
    );
  }
}
