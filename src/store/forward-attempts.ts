import type { Statement } from "better-sqlite3";
import type { Store } from "./store.js";
import type { HeaderPairs } from "./types.js";

/** What `show` says about an attempt whose answer never came because okhook stopped (or was killed). */
export const INTERRUPTED_ERROR = "interrupted: okhook stopped before the answer";

/** A forward attempt as it starts: the request is about to go out. */
export interface StartedAttempt {
  deliverySeq: number;
  target: string;
  attempt: number;
  startedAt: number;
}

/** How a started attempt ended. */
export interface AttemptResult {
  /** When the request went out (a row is written a little ahead of its send). */
  startedAt: number;
  durationMs: number | null;
  status: number | null;
  error: string | null;
  response?: Buffer | null;
  slow: boolean;
  /** The answer's headers, capped (forward/send.ts answerHeaders). */
  responseHeaders?: HeaderPairs | null;
}

/**
 * Forward attempt rows written around a send: inserted (no answer yet) before the request
 * goes out and completed when it ends. A row still without an answer when `listen` starts
 * was cut by a crash: the resend is numbered after it, and `show` tells that story.
 */
export class ForwardAttempts {
  private readonly insert: Statement;
  private readonly complete: Statement;
  private readonly remove: Statement;
  private readonly interrupt: Statement;

  constructor(store: Store) {
    const { db } = store;
    this.insert = db.prepare(
      `INSERT INTO attempts (delivery_seq, kind, target, attempt, started_at)
       VALUES (?, 'forward', ?, ?, ?)`,
    );
    this.complete = db.prepare(
      `UPDATE attempts SET started_at = ?, duration_ms = ?, status = ?, error = ?, response = ?,
        slow = ?, response_headers = ? WHERE id = ?`,
    );
    this.remove = db.prepare("DELETE FROM attempts WHERE id = ?");
    // Only a pending delivery can have an attempt in flight (it settles after its answers),
    // so the pending index bounds this to the few rows a crash can have left.
    this.interrupt = db.prepare(
      `UPDATE attempts SET error = ? WHERE kind = 'forward' AND status IS NULL AND error IS NULL
        AND delivery_seq IN (SELECT seq FROM deliveries WHERE forward_state = 'pending')`,
    );
  }

  /** Record an attempt about to be sent; returns its row id. */
  start(a: StartedAttempt): number {
    return Number(this.insert.run(a.deliverySeq, a.target, a.attempt, a.startedAt).lastInsertRowid);
  }

  /** Record how a started attempt ended. */
  finish(id: number, r: AttemptResult): void {
    const { startedAt, durationMs, status, error } = r;
    const headers = r.responseHeaders ? JSON.stringify(r.responseHeaders) : null;
    this.complete.run(
      startedAt,
      durationMs,
      status,
      error,
      r.response ?? null,
      r.slow ? 1 : 0,
      headers,
      id,
    );
  }

  /** Forget a started attempt whose request never went out (okhook stopped first). */
  drop(id: number): void {
    this.remove.run(id);
  }

  /**
   * Mark the forward attempts an earlier run left without an answer (it was killed mid-send;
   * one `listen` per database, so none is in flight now) as interrupted. Returns how many.
   * Rows are committed a little ahead of their sends (at most one per send slot), so a few
   * of these may never have gone out: the resend is numbered after them all the same.
   */
  markInterrupted(): number {
    return this.interrupt.run(INTERRUPTED_ERROR).changes;
  }
}
