import type { Statements } from "./statements.js";
import type { InlineExchangeRow, NewInlineExchange } from "./types.js";

const COLUMNS = `id, delivery_seq AS deliverySeq, kind, inline_type AS inlineType, target,
  started_at AS startedAt, elapsed_ms AS elapsedMs, status, error, timed_out AS timedOut, answer,
  answer_size AS answerSize, answer_type AS answerType, reply_status AS replyStatus, fallback,
  applied, outcome, okta, basis, retried, problems, redacted`;

type Raw = Omit<InlineExchangeRow, "timedOut" | "applied" | "retried" | "problems" | "redacted"> & {
  timedOut: number;
  applied: number;
  retried: number;
  problems: string;
  redacted: string | null;
};

/**
 * The `inline_exchanges` table: each answer to an inline hook request and Okta's verdict on
 * it. Writing one also sets the request row's verdict columns, in one transaction.
 */
export class InlineExchanges {
  private readonly addTx: (x: NewInlineExchange) => number;

  constructor(private readonly sql: Statements) {
    this.addTx = sql.db.transaction((x: NewInlineExchange) => {
      const id = this.insert(x);
      this.sql
        .get("UPDATE deliveries SET inline_outcome = ?, inline_applied = ? WHERE seq = ?")
        .run(x.outcome, x.applied ? 1 : 0, x.deliverySeq);
      return id;
    });
  }

  /** Record an exchange and make its verdict the request's latest; returns its id. */
  add(x: NewInlineExchange): number {
    return this.addTx(x);
  }

  /** Exchanges of a request, oldest first. */
  of(seq: number): InlineExchangeRow[] {
    const rows = this.sql
      .get(`SELECT ${COLUMNS} FROM inline_exchanges WHERE delivery_seq = ? ORDER BY id`)
      .all(seq) as Raw[];
    return rows.map((r) => ({
      ...r,
      timedOut: !!r.timedOut,
      applied: !!r.applied,
      retried: !!r.retried,
      problems: JSON.parse(r.problems) as InlineExchangeRow["problems"],
      redacted: r.redacted ? (JSON.parse(r.redacted) as InlineExchangeRow["redacted"]) : null,
    }));
  }

  private insert(x: NewInlineExchange): number {
    const info = this.sql
      .get(
        `INSERT INTO inline_exchanges (delivery_seq, kind, inline_type, target, started_at,
        elapsed_ms, status, error, timed_out, answer, answer_size, answer_type, reply_status,
        fallback, applied, outcome, okta, basis, retried, problems, redacted)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        x.deliverySeq,
        x.kind,
        x.inlineType,
        x.target,
        x.startedAt,
        x.elapsedMs,
        x.status,
        x.error,
        x.timedOut ? 1 : 0,
        x.answer,
        x.answerSize,
        x.answerType,
        x.replyStatus,
        x.fallback,
        x.applied ? 1 : 0,
        x.outcome,
        x.okta,
        x.basis,
        x.retried ? 1 : 0,
        JSON.stringify(x.problems),
        x.redacted ? JSON.stringify(x.redacted) : null,
      );
    return Number(info.lastInsertRowid);
  }
}
