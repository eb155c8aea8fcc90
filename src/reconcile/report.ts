import type { DeliveryFailure } from "./delivery-failures.js";
import type { WindowReceipt } from "./receipts.js";

/** One stored receipt of an event (one row per delivery that carried it), in full. */
export interface LocalEventRow extends WindowReceipt {
  published: string | null;
  deliveryId: string;
  displayMessage?: string | null;
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
  /**
   * Nothing missing and nothing unexpected. Duplicates (Okta is at-least-once), late events
   * and Okta's delivery failures are reported but do not count, unless `strict`.
   */
  inSync: boolean;
  strict: boolean;
  /** The counts that broke "in sync" (0 when in sync). */
  problems: number;
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

/**
 * What keeps a reconcile from being in sync: events missing or unexpected. A duplicate is
 * Okta's at-least-once delivery, a late event arrived, and a delivery failure is Okta's note
 * of an attempt (its events are missing until backfilled, then history that would never
 * clear from the window): reported always, counted only under `--strict`.
 */
export function problemCount(c: ReconcileReport["counts"], strict: boolean): number {
  const base = c.missing + c.unexpected;
  return strict ? base + c.duplicated + c.late + c.deliveryFailures : base;
}
