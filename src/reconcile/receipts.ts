/** One stored receipt whose event falls in the reconcile window (what the index is built from). */
export interface WindowReceipt {
  uuid: string;
  eventType: string | null;
  /** ISO 8601 string or epoch milliseconds. */
  receivedAt: string | number;
  /** Sent by okhook from the System Log (`--replay-missing`), not by Okta (SQLite's 0/1 too). */
  backfill?: boolean | 0 | 1;
}

/** What the index knows of one uuid: enough to settle the common case without a query. */
export interface ReceiptSummary {
  /** Receipts in the window. */
  count: number;
  /** Earliest receipt that came from Okta (not a backfill), epoch ms; NaN when none did. */
  firstFromOktaMs: number;
}

/**
 * The window's receipts, read once, kept compact: a uuid → slot map and parallel arrays
 * (count, first receipt from Okta, interned event type, matched flag). 400,000 receipts
 * cost tens of MB, where one object per row costs hundreds; details (delivery ids, display
 * messages) are read back only for the events a report lists.
 */
export class ReceiptIndex {
  private readonly slots = new Map<string, number>();
  private readonly uuids: string[] = [];
  private readonly counts: number[] = [];
  private readonly firstFromOkta: number[] = [];
  private readonly typeOf: number[] = [];
  private readonly matched: number[] = [];
  private readonly typeIds = new Map<string | null, number>();
  private readonly typeNames: (string | null)[] = [];

  static from(receipts: Iterable<WindowReceipt>): ReceiptIndex {
    const index = new ReceiptIndex();
    for (const r of receipts) index.add(r);
    return index;
  }

  /** Number of distinct uuids. */
  get size(): number {
    return this.uuids.length;
  }

  add(r: WindowReceipt): void {
    const fromOkta = r.backfill ? Number.NaN : toMs(r.receivedAt);
    const slot = this.slots.get(r.uuid);
    if (slot === undefined) {
      this.slots.set(r.uuid, this.uuids.length);
      this.uuids.push(r.uuid);
      this.counts.push(1);
      this.firstFromOkta.push(fromOkta);
      this.typeOf.push(this.typeId(r.eventType));
      this.matched.push(0);
      return;
    }
    this.counts[slot]!++;
    const first = this.firstFromOkta[slot]!;
    if (Number.isNaN(first) || fromOkta < first) this.firstFromOkta[slot] = fromOkta;
  }

  /** The slot of a uuid received in the window (one lookup serves the calls below), or -1. */
  slotOf(uuid: string): number {
    return this.slots.get(uuid) ?? -1;
  }

  /** What the window holds for a slot. */
  summary(slot: number): ReceiptSummary {
    return { count: this.counts[slot]!, firstFromOktaMs: this.firstFromOkta[slot]! };
  }

  /** Mark a slot as found in the System Log; false when it already was. */
  match(slot: number): boolean {
    if (this.matched[slot] === 1) return false;
    this.matched[slot] = 1;
    return true;
  }

  /** Uuids never matched by the System Log, in the order first read, with their type. */
  *unmatched(): Iterable<{ uuid: string; eventType: string | null }> {
    for (let slot = 0; slot < this.uuids.length; slot++) {
      if (this.matched[slot] === 1) continue;
      yield { uuid: this.uuids[slot]!, eventType: this.typeNames[this.typeOf[slot]!] ?? null };
    }
  }

  /** Distinct event types received in the window, sorted (the default reconcile filter). */
  eventTypes(): string[] {
    return this.typeNames.filter((t): t is string => t !== null).sort();
  }

  private typeId(eventType: string | null): number {
    let id = this.typeIds.get(eventType);
    if (id === undefined) {
      id = this.typeNames.length;
      this.typeIds.set(eventType, id);
      this.typeNames.push(eventType);
    }
    return id;
  }
}

export function toMs(value: string | number | null): number {
  if (value === null) return Number.NaN;
  return typeof value === "number" ? value : Date.parse(value);
}
