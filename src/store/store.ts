import { Attempts } from "./attempts.js";
import { closeDb, type Db } from "./db.js";
import { Deliveries } from "./deliveries.js";
import { InlineExchanges } from "./inline-exchanges.js";
import { registerListFunctions } from "./list-sql.js";
import { Lookup } from "./lookup.js";
import { Meta } from "./meta.js";
import { Statements } from "./statements.js";

/**
 * The okhook database: one connection, its transactions, and a repository per thing stored
 * (`deliveries` with their events, `attempts`, `meta`, `lookup` of what users type, and
 * `inline` hook exchanges).
 * The store is the only code that writes SQL (see the README's Development section).
 */
export class Store {
  readonly db: Db;
  readonly deliveries: Deliveries;
  readonly attempts: Attempts;
  readonly meta: Meta;
  readonly lookup: Lookup;
  readonly inline: InlineExchanges;
  private readonly runBatch: (fn: () => void) => void;

  constructor(db: Db) {
    this.db = db;
    registerListFunctions(db);
    const sql = new Statements(db);
    this.deliveries = new Deliveries(sql);
    this.attempts = new Attempts(sql);
    this.meta = new Meta(sql);
    this.lookup = new Lookup(sql, this.deliveries);
    this.inline = new InlineExchanges(sql);
    this.runBatch = db.transaction((fn: () => void) => fn());
  }

  /** Run several writes in one transaction (one commit). */
  batch(fn: () => void): void {
    this.runBatch(fn);
  }

  /** Whether the connection is still open (the UI polls after a close). */
  get isOpen(): boolean {
    return this.db.open;
  }

  /** Cap this connection's page cache (a long-running writer needs only the B-tree paths it touches). */
  limitCache(kib: number): void {
    this.db.pragma(`cache_size = -${kib}`);
  }

  /** Close the database (checkpointing the WAL; see closeDb). */
  close(): void {
    closeDb(this.db);
  }
}
