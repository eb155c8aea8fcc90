import type { Statement } from "better-sqlite3";
import type { Store } from "./store.js";
import type { FullAttempt, FullDelivery } from "./types.js";

/**
 * A whole-file import: ONE IMMEDIATE transaction from construction to `commit()`, so a file
 * is stored whole or (after `rollback()`, or a crash) not at all. Deliveries go in through
 * the ingest insert (an event uuid already stored marks a duplicate, as on ingest); a taken
 * id is renamed by the caller, and the renames are kept in a TEMP table rather than memory.
 */
export class StoreImport {
  private readonly startSeq: number;
  private readonly statements: Record<"seqOf" | "rename" | "renamedTo", Statement>;

  constructor(private readonly store: Store) {
    store.db.exec("BEGIN IMMEDIATE");
    try {
      store.db.exec(
        "CREATE TEMP TABLE IF NOT EXISTS import_renames (old TEXT PRIMARY KEY, new TEXT NOT NULL)",
      );
      store.db.exec("DELETE FROM import_renames");
      this.startSeq = store.deliveries.maxSeq();
      this.statements = {
        seqOf: store.db.prepare("SELECT seq FROM deliveries WHERE id = ? AND seq > ?"),
        rename: store.db.prepare("INSERT OR REPLACE INTO import_renames (old, new) VALUES (?, ?)"),
        renamedTo: store.db.prepare("SELECT new FROM import_renames WHERE old = ?"),
      };
    } catch (err) {
      store.db.exec("ROLLBACK");
      throw err;
    }
  }

  /** Whether a delivery id is stored (before or by this import). */
  hasId(id: string): boolean {
    return this.seqOf(id, 0) !== undefined;
  }

  /**
   * Store a delivery, its events and attempts. A delivery another database left pending is
   * stored as captured ("none"): importing never makes a listen here forward it.
   */
  insert(d: FullDelivery): { duplicateCount: number } {
    const forwardState = d.forwardState === "pending" ? "none" : d.forwardState;
    const [stored] = this.store.deliveries.insert([{ ...d, forwardState }]);
    const { seq, duplicateCount } = stored!;
    if (d.forwardStatus !== null || d.forwardMs !== null || d.forwardError !== null)
      this.store.deliveries.setForward(seq, {
        state: forwardState,
        status: d.forwardStatus,
        ms: d.forwardMs,
        error: d.forwardError,
      });
    for (const a of d.attempts) this.addAttempt(seq, a);
    return { duplicateCount };
  }

  /** Store an attempt of a delivery this import stored; false when it stored no such id. */
  insertAttempt(deliveryId: string, a: FullAttempt): boolean {
    const seq = this.seqOf(deliveryId, this.startSeq);
    if (seq === undefined) return false;
    this.addAttempt(seq, a);
    return true;
  }

  /** Remember that `from` was taken and its delivery stored as `to`. */
  rename(from: string, to: string): void {
    this.statements.rename.run(from, to);
  }

  /** The id a delivery of this import was stored under, when it was renamed. */
  renamedTo(from: string): string | undefined {
    const row = this.statements.renamedTo.get(from) as { new: string } | undefined;
    return row?.new;
  }

  /** Make the import durable and visible. */
  commit(): void {
    this.store.db.exec("COMMIT");
  }

  /** Forget everything this import stored. */
  rollback(): void {
    if (this.store.db.inTransaction) this.store.db.exec("ROLLBACK");
  }

  private addAttempt(seq: number, a: FullAttempt): void {
    const { id: _id, ...rest } = a;
    this.store.attempts.add({ ...rest, deliverySeq: seq });
  }

  private seqOf(id: string, afterSeq: number): number | undefined {
    const row = this.statements.seqOf.get(id, afterSeq) as { seq: number } | undefined;
    return row?.seq;
  }
}
