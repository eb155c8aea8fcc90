import type { LogEvent } from "../okta/types.js";
import {
  DELIVERY_FAILURE_EVENT_TYPE,
  failureConcernsHook,
  parseDeliveryFailure,
  parseWebhookIds,
} from "./delivery-failures.js";
import { ReceiptIndex, toMs, type WindowReceipt } from "./receipts.js";
import {
  type CategoryCounts,
  type LocalEventRow,
  problemCount,
  type ReconcileReport,
  type ReportedEvent,
} from "./report.js";

export type {
  CategoryCounts,
  DuplicatedEvent,
  LateEvent,
  LocalEventRow,
  MissingEvent,
  ReconcileReport,
  ReportedEvent,
  UnexpectedEvent,
} from "./report.js";

/** An event received later than this after `published` is reported as late. */
export const LATE_THRESHOLD_MS = 60_000;

/** The local side of a reconcile, implemented over the store. */
export interface LocalEvents {
  /**
   * Every stored receipt of this uuid (any time), oldest first or in any order. Asked only
   * for uuids the window does not hold and for events the report lists.
   */
  byUuid(uuid: string): LocalEventRow[];
  /** Receipts whose event falls in the reconcile window; read once, before the System Log. */
  inWindow(): Iterable<WindowReceipt>;
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
  /** Count duplicates, late events and delivery failures against "in sync" too. */
  strict?: boolean;
  /** Cap on each detail list (counts stay exact); default unlimited. */
  maxDetails?: number;
  /** Called with every missing System Log event, whole (for `--replay-missing`). */
  onMissing?: (event: LogEvent) => void;
  /** The window's receipts when the caller already read them (else read from `local`). */
  index?: ReceiptIndex;
}

const UNKNOWN_TYPE = "(unknown)";

/**
 * Compare System Log events with stored receipts by uuid. Pure: reads the window's receipts
 * once into a compact index, then streams the System Log against it; an event received once
 * and on time costs a map lookup, anything the report lists is read back in full.
 */
export async function diffEvents(options: DiffOptions): Promise<ReconcileReport> {
  const index = options.index ?? ReceiptIndex.from(options.local.inWindow());
  const acc = new Accumulator(options, index);
  for await (const item of options.remote) {
    if (Array.isArray(item)) for (const event of item) acc.remote(event);
    else acc.remote(item);
  }
  for (const { uuid, eventType } of index.unmatched()) acc.localOnly(uuid, eventType);
  return acc.report();
}

class Accumulator {
  /** System Log uuids the window index does not hold (missing, or received outside it). */
  private readonly outside = new Set<string>();
  private readonly threshold: number;
  private readonly max: number;
  private readonly r: ReconcileReport;

  constructor(
    private readonly opts: DiffOptions,
    private readonly index: ReceiptIndex,
  ) {
    this.threshold = opts.lateThresholdMs ?? LATE_THRESHOLD_MS;
    this.max = opts.maxDetails ?? Number.POSITIVE_INFINITY;
    const counts = { ...zero(), deliveryFailures: 0 };
    this.r = {
      inSync: true,
      strict: opts.strict ?? false,
      problems: 0,
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
    const published = typeof event.published === "string" ? event.published : null;
    const displayMessage = typeof event.displayMessage === "string" ? event.displayMessage : null;
    const id = { uuid, eventType, published, displayMessage };
    const slot = this.index.slotOf(uuid);
    if (slot >= 0) {
      if (!this.index.match(slot)) return;
      this.bump(eventType, "inLog");
      const summary = this.index.summary(slot);
      // The common case: received once, on time. Nothing to report, so nothing to read.
      // (Without Okta's published, lateness is judged on the stored row's: read it.)
      const onTime = published !== null && !this.isLate(summary.firstFromOktaMs, published);
      if (summary.count === 1 && onTime) {
        this.bump(eventType, "received");
        return;
      }
      this.received(id, this.opts.local.byUuid(uuid), true);
      return;
    }
    if (this.outside.has(uuid)) return;
    this.outside.add(uuid);
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

  /** A uuid received in the window that the System Log never listed. */
  localOnly(uuid: string, eventType: string | null): void {
    if (!this.included(eventType)) return;
    const all = this.opts.local.byUuid(uuid);
    // Read back as it was indexed; a row gone meanwhile (deleted DB) leaves nothing to report.
    if (all.length === 0) return;
    const first = earliest(all);
    const id = {
      uuid,
      eventType,
      published: first.published,
      displayMessage: first.displayMessage ?? null,
    };
    this.bump(eventType, "unexpected");
    this.push(this.r.unexpected, {
      ...id,
      receivedCount: all.length,
      deliveryIds: all.map((x) => x.deliveryId),
      firstReceivedAt: toIso(first.receivedAt),
    });
    this.received(id, all, false);
  }

  report(): ReconcileReport {
    this.r.problems = problemCount(this.r.counts, this.r.strict);
    this.r.inSync = this.r.problems === 0;
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
    if (this.isLate(toMs(first.receivedAt), id.published ?? first.published)) {
      this.bump(id.eventType, "late");
      const receivedAt = toIso(first.receivedAt);
      this.push(this.r.late, { ...id, receivedAt, delayMs, deliveryId: first.deliveryId });
    }
  }

  /** Received more than the threshold after published (false when either is unknown). */
  private isLate(receivedMs: number, published: string | null): boolean {
    return receivedMs - toMs(published) > this.threshold;
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

function toIso(value: string | number): string {
  const ms = toMs(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(value);
}

function earliest(rows: LocalEventRow[]): LocalEventRow {
  let best = rows[0]!;
  for (const row of rows) if (toMs(row.receivedAt) < toMs(best.receivedAt)) best = row;
  return best;
}
