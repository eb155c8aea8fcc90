import { Attempts } from "./attempts.js";
import { closeDb, type Db } from "./db.js";
import { Deliveries } from "./deliveries.js";
import { Lookup } from "./lookup.js";
import { Meta } from "./meta.js";
import { Statements } from "./statements.js";
import type {
  AttemptRow,
  Counters,
  DeliveryPayload,
  DeliveryRow,
  EventRow,
  ForwardState,
  ListQuery,
  NewAttempt,
  NewDelivery,
  StoredDelivery,
} from "./types.js";

export type { Counters, StoredDelivery } from "./types.js";

/**
 * The okhook database: one connection, its transactions, and a repository per thing stored
 * (`deliveries` with their events, `attempts`, `meta`, and `lookup` of what users type).
 * The store is the only code that writes SQL (see the README's Development section).
 */
export class Store {
  readonly db: Db;
  readonly deliveries: Deliveries;
  /** Becomes `attempts` once the old `attempts(seq)` method is gone (next commit). */
  private readonly attemptRows: Attempts;
  readonly meta: Meta;
  readonly lookup: Lookup;
  private readonly runBatch: (fn: () => void) => void;

  constructor(db: Db) {
    this.db = db;
    const sql = new Statements(db);
    this.deliveries = new Deliveries(sql);
    this.attemptRows = new Attempts(sql);
    this.meta = new Meta(sql);
    this.lookup = new Lookup(sql, this.deliveries);
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

  // Until every caller uses the repositories (next commit), the old names delegate.
  insertDeliveries(records: NewDelivery[]): StoredDelivery[] {
    return this.deliveries.insert(records);
  }
  payload(seq: number): DeliveryPayload | undefined {
    return this.deliveries.payload(seq);
  }
  list(q: ListQuery): DeliveryRow[] {
    return this.deliveries.list(q);
  }
  count(q: Omit<ListQuery, "limit">): number {
    return this.deliveries.count(q);
  }
  bySeq(seq: number): DeliveryRow | undefined {
    return this.deliveries.bySeq(seq);
  }
  resolve(ref: string): { delivery: DeliveryRow; viaEvent?: EventRow } {
    return this.lookup.resolve(ref);
  }
  bodies(seqs: readonly number[]): Map<number, Buffer | null> {
    return this.deliveries.bodies(seqs);
  }
  lastAttemptNos(seqs: readonly number[]): Map<number, Map<string, number>> {
    return this.attemptRows.lastNos(seqs);
  }
  body(seq: number): Buffer | null {
    return this.deliveries.body(seq);
  }
  events(seq: number): EventRow[] {
    return this.deliveries.events(seq);
  }
  attempts(seq: number): AttemptRow[] {
    return this.attemptRows.of(seq);
  }
  addAttempt(a: NewAttempt): number {
    return this.attemptRows.add(a);
  }
  lastAttemptNo(seq: number, target: string): number {
    return this.attemptRows.lastNo(seq, target);
  }
  lastForwardTarget(seq: number): string | undefined {
    return this.attemptRows.lastForwardTarget(seq);
  }
  forwardedTo(seq: number, target: string): boolean {
    return this.attemptRows.forwardedTo(seq, target);
  }
  setForward(
    seq: number,
    f: { state: ForwardState; status?: number | null; ms?: number | null; error?: string | null },
  ): void {
    this.deliveries.setForward(seq, f);
  }
  pendingForward(): number[] {
    return this.deliveries.pendingForward();
  }
  counters(sinceSeq = 0): Counters {
    return this.deliveries.counters(sinceSeq);
  }
  maxSeq(): number {
    return this.deliveries.maxSeq();
  }
  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }
  setMeta(key: string, value: string): void {
    this.meta.set(key, value);
  }
}
