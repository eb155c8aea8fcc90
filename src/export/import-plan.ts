import type { ImportItem } from "./har-reader.js";
import { LineError } from "./ndjson.js";
import type { ExportedAttempt, ExportedDelivery } from "./record.js";

/**
 * Where an import writes: the store, inside ONE transaction the caller opens around the run
 * and rolls back on any error, so a file is imported whole or not at all.
 */
export interface ImportSink {
  /** Whether a delivery id is already stored (in the database or earlier in this import). */
  hasId(id: string): boolean;
  /** Store a delivery with its events (duplicates flagged as on ingest) and attempts. */
  insert(d: ExportedDelivery): { duplicateCount: number };
  /** Store an attempt of a delivery this import stored; false when it stored no such id. */
  insertAttempt(deliveryId: string, a: ExportedAttempt): boolean;
  /** Remember that an imported id was taken and the delivery stored under another. */
  rename(from: string, to: string): void;
  /** The id a delivery of this import was stored under, when it was renamed. */
  renamedTo(from: string): string | undefined;
}

/** What an import stored. */
export interface ImportSummary {
  deliveries: number;
  events: number;
  attempts: number;
  /** Deliveries whose id was taken, stored under a new one. */
  renamed: number;
  /** Events whose uuid was already stored (Okta's at-least-once, or the same file twice). */
  duplicateEvents: number;
}

/** How to import: ids for deliveries whose own is taken; progress per delivery. */
export interface ApplyImportOptions {
  newId: (receivedAt: number) => string;
  onDelivery?: (summary: ImportSummary) => void;
}

/**
 * Store every record of an import file in order: a delivery keeps its id when free, else
 * gets a new one (and deliveries replaying it, or attempts of it, follow); a HAR attempt
 * must come after its delivery. Errors name the line; the caller rolls back.
 */
export async function applyImport(
  items: AsyncIterable<ImportItem>,
  sink: ImportSink,
  o: ApplyImportOptions,
): Promise<ImportSummary> {
  const s: ImportSummary = {
    deliveries: 0,
    events: 0,
    attempts: 0,
    renamed: 0,
    duplicateEvents: 0,
  };
  for await (const item of items) {
    if (item.type === "attempt") {
      const id = sink.renamedTo(item.deliveryId) ?? item.deliveryId;
      if (!sink.insertAttempt(id, item.attempt))
        throw new LineError(
          item.line,
          `an attempt of delivery ${item.deliveryId}, which the file does not hold before it`,
        );
      s.attempts++;
      continue;
    }
    const d = item.delivery;
    let id = d.id;
    if (sink.hasId(id)) {
      id = o.newId(d.receivedAt);
      sink.rename(d.id, id);
      s.renamed++;
    }
    const replayOf = d.replayOf ? (sink.renamedTo(d.replayOf) ?? d.replayOf) : null;
    const { duplicateCount } = sink.insert({ ...d, id, replayOf });
    s.deliveries++;
    s.events += d.events.length;
    s.attempts += d.attempts.length;
    s.duplicateEvents += duplicateCount;
    o.onDelivery?.(s);
  }
  return s;
}
