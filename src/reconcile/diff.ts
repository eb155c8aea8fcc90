import type { LogEvent } from "../okta/types.js";
import {
  DELIVERY_FAILURE_EVENT_TYPE,
  type DeliveryFailure,
  failureConcernsHook,
  parseDeliveryFailure,
  parseWebhookIds,
} from "./delivery-failures.js";

/** An event received later than this after `published` is reported as late. */
export const LATE_THRESHOLD_MS = 60_000;

/** One stored receipt of an event (one row per delivery that carried it). */
export interface LocalEventRow {
  uuid: string;
  eventType: string | null;
  published: string | null;
  /** ISO 8601 string or epoch milliseconds. */
  receivedAt: string | number;
  deliveryId: string;
  displayMessage?: string | null;
  /** Sent by okhook from the System Log (`--replay-missing`), not by Okta: never late. */
  backfill?: boolean;
}

/** The local side of a reconcile, implemented over the store. */
export interface LocalEvents {
  /** Every stored receipt of this uuid (any time), oldest first or in any order. */
  byUuid(uuid: string): LocalEventRow[];
  /** Receipts whose event falls in the reconcile window (and event-type selection). */
  inWindow(): Iterable<LocalEventRow>;
}

/** Options of diffEvents. */
export interface DiffOptions {
  /** System Log events, single or as pages (what OktaClient.listLogs yields). */
  remote: AsyncIterable<LogEvent | LogEvent[]> | Iterable<LogEvent | LogEvent[]>;
  local: LocalEvents;
  lateThresholdMs?: number;
  /** Keep only these event types (both sides); default all. */
  includeEventType?: (eventType: string) => boolean;
  /** Keep only `event_hook.delivery` failures about this hook. */
  hookId?: string;
  /** Cap on each detail list (counts stay exact); default unlimited. */
  maxDetails?: number;
  /** Called with every missing System Log event, whole (for `--replay-missing`). */
  onMissing?: (event: LogEvent) => void;
}

/** Identity of a reported event. */
export interface ReportedEvent {
  uuid: string;
  eventType: string | null;
  published: string | null;
  displayMessage: string | null;
}

/** In the System Log, never received. */
export interface MissingEvent extends ReportedEvent {
  /** Hooks Okta meant to deliver it to (`debugData.webhooks`), when it says. */
  hookIds: string[];
}

/** Received more than once. */
export interface DuplicatedEvent extends ReportedEvent {
  receivedCount: number;
  deliveryIds: string[];
  inLog: boolean;
}

/** Received, but not in the System Log window. */
export interface UnexpectedEvent extends ReportedEvent {
  receivedCount: number;
  deliveryIds: string[];
  firstReceivedAt: string;
}

/** First received more than the threshold after `published`. */
export interface LateEvent extends ReportedEvent {
  receivedAt: string;
  delayMs: number;
  deliveryId: string;
}

/** Counts of one category set. */
export interface CategoryCounts {
  inLog: number;
  received: number;
  missing: number;
  duplicated: number;
  unexpected: number;
  late: number;
}

/** The reconcile result: exact counts, overall and per event type, plus details. */
export interface ReconcileReport {
  inSync: boolean;
  lateThresholdMs: number;
  counts: CategoryCounts & { deliveryFailures: number };
  byEventType: Record<string, CategoryCounts>;
  missing: MissingEvent[];
  duplicated: DuplicatedEvent[];
  unexpected: UnexpectedEvent[];
  late: LateEvent[];
  deliveryFailures: DeliveryFailure[];
  /** True when a detail list was cut at maxDetails. */
  truncated: boolean;
}

const UNKNOWN_TYPE = "(unknown)";

/**
 * Compare System Log events with stored receipts by uuid. Pure: reads the iterables once,
 * keeps only uuids and the details it reports.
 */
export async function diffEvents(options: DiffOptions): Promise<ReconcileReport> {
  const acc = new Accumulator(options);
  for await (const item of options.remote) {
    if (Array.isArray(item)) for (const event of item) acc.remote(event);
    else acc.remote(item);
  }
  for (const row of options.local.inWindow()) acc.localOnly(row);
  return acc.report();
}

class Accumulator {
  private readonly inLog = new Set<string>();
  private readonly seenLocal = new Set<string>();
  private readonly threshold: number;
  private readonly max: number;
  private readonly r: ReconcileReport;

  constructor(private readonly opts: DiffOptions) {
    this.threshold = opts.lateThresholdMs ?? LATE_THRESHOLD_MS;
    this.max = opts.maxDetails ?? Number.POSITIVE_INFINITY;
    const counts = { ...zero(), deliveryFailures: 0 };
    this.r = {
      inSync: true,
      lateThresholdMs: this.threshold,
      counts,
      byEventType: {},
      missing: [],
      duplicated: [],
      unexpected: [],
      late: [],
      deliveryFailures: [],
      truncated: false,
    };
  }

  remote(event: LogEvent): void {
    const uuid = typeof event.uuid === "string" ? event.uuid : undefined;
    const eventType = typeof event.eventType === "string" ? event.eventType : null;
    if (eventType === DELIVERY_FAILURE_EVENT_TYPE) {
      this.failure(event);
      return;
    }
    // Other event_hook.* types are never delivered by hooks: nothing to compare.
    if (!uuid || eventType?.startsWith("event_hook.") || !this.included(eventType)) return;
    if (this.inLog.has(uuid)) return;
    this.inLog.add(uuid);
    const published = typeof event.published === "string" ? event.published : null;
    const displayMessage = typeof event.displayMessage === "string" ? event.displayMessage : null;
    const id = { uuid, eventType, published, displayMessage };
    this.bump(eventType, "inLog");
    const rows = this.opts.local.byUuid(uuid);
    if (rows.length === 0) {
      this.bump(eventType, "missing");
      const hookIds = parseWebhookIds(event.debugContext?.debugData?.webhooks);
      this.push(this.r.missing, { ...id, hookIds });
      this.opts.onMissing?.(event);
      return;
    }
    this.received(id, rows, true);
  }

  localOnly(row: LocalEventRow): void {
    if (this.inLog.has(row.uuid) || this.seenLocal.has(row.uuid)) return;
    if (!this.included(row.eventType)) return;
    this.seenLocal.add(row.uuid);
    const rows = this.opts.local.byUuid(row.uuid);
    const all = rows.length > 0 ? rows : [row];
    const first = earliest(all);
    const id = {
      uuid: row.uuid,
      eventType: row.eventType,
      published: row.published,
      displayMessage: row.displayMessage ?? null,
    };
    this.bump(row.eventType, "unexpected");
    this.push(this.r.unexpected, {
      ...id,
      receivedCount: all.length,
      deliveryIds: all.map((x) => x.deliveryId),
      firstReceivedAt: toIso(first.receivedAt),
    });
    this.received(id, all, false);
  }

  report(): ReconcileReport {
    const c = this.r.counts;
    this.r.inSync = c.missing + c.duplicated + c.unexpected + c.late + c.deliveryFailures === 0;
    return this.r;
  }

  private received(id: ReportedEvent, rows: LocalEventRow[], inLog: boolean): void {
    this.bump(id.eventType, "received");
    if (rows.length > 1) {
      this.bump(id.eventType, "duplicated");
      const deliveryIds = rows.map((x) => x.deliveryId);
      this.push(this.r.duplicated, { ...id, receivedCount: rows.length, deliveryIds, inLog });
    }
    // A backfill arrives after the fact by design: only Okta's own deliveries can be late.
    const fromOkta = rows.filter((x) => !x.backfill);
    if (fromOkta.length === 0) return;
    const first = earliest(fromOkta);
    const delayMs = toMs(first.receivedAt) - toMs(id.published ?? first.published);
    if (Number.isFinite(delayMs) && delayMs > this.threshold) {
      this.bump(id.eventType, "late");
      const receivedAt = toIso(first.receivedAt);
      this.push(this.r.late, { ...id, receivedAt, delayMs, deliveryId: first.deliveryId });
    }
  }

  private failure(event: LogEvent): void {
    const failure = parseDeliveryFailure(event);
    const { hookId } = this.opts;
    if (hookId !== undefined && !failureConcernsHook(failure, event, hookId)) return;
    this.r.counts.deliveryFailures++;
    this.push(this.r.deliveryFailures, failure);
  }

  private included(eventType: string | null): boolean {
    return !this.opts.includeEventType || this.opts.includeEventType(eventType ?? "");
  }

  private bump(eventType: string | null, key: keyof CategoryCounts): void {
    const type = eventType ?? UNKNOWN_TYPE;
    this.r.byEventType[type] ??= zero();
    this.r.byEventType[type][key]++;
    this.r.counts[key]++;
  }

  private push<T>(list: T[], item: T): void {
    if (list.length < this.max) list.push(item);
    else this.r.truncated = true;
  }
}

function zero(): CategoryCounts {
  return { inLog: 0, received: 0, missing: 0, duplicated: 0, unexpected: 0, late: 0 };
}

function toMs(value: string | number | null): number {
  if (value === null) return Number.NaN;
  return typeof value === "number" ? value : Date.parse(value);
}

function toIso(value: string | number): string {
  const ms = toMs(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(value);
}

function earliest(rows: LocalEventRow[]): LocalEventRow {
  let best = rows[0]!;
  for (const row of rows) if (toMs(row.receivedAt) < toMs(best.receivedAt)) best = row;
  return best;
}
