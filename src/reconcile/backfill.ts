import type { Dispatcher } from "undici";
import { ConfigError, Interrupted } from "../errors.js";
import { materialise } from "../fixtures/materialise.js";
import { type JudgedSendResult, sendDelivery, type Verdict } from "../fixtures/send.js";
import type { AuthPlan, TargetRole } from "../listen/listener-auth.js";
import { parseEvent } from "../listen/parse-events.js";
import { DEFAULT_AUTH_HEADER, deliveryHeaders } from "../okta/delivery.js";
import { OKTA_HOOK_TIMEOUT_MS } from "../okta/hook-types.js";
import type { LogEvent } from "../okta/types.js";
import { forwardTargetFor, insertBackfill, markListenerBackfill } from "../store/backfill.js";
import { newDeliveryId } from "../store/ids.js";
import type { EventSpool } from "../store/spool.js";
import type { Store } from "../store/store.js";
import type { HeaderPairs } from "../store/types.js";
import { REDACTED } from "../text/redact.js";
import { parseWebhookIds } from "./delivery-failures.js";

/** Events per backfill delivery: Okta batches events raised together into one POST. */
export const BACKFILL_BATCH_SIZE = 50;
/** Marks a backfill for the receiving app; okhook's forwarder strips `x-okhook-*` on re-sends. */
export const BACKFILL_HEADER = "x-okhook-backfill";

/** How a target was chosen. */
export type TargetSource = "to" | "forward" | "listener";

/** Where the missing events go and with which credentials. */
export interface BackfillOptions {
  store: Store;
  spool: EventSpool;
  /** `--to`: every event goes here. */
  to?: string;
  /** The listener URL last recorded in the database (`listener.url`). */
  listenerUrl?: string;
  /** Auth header value for every target (the hook's shared secret); never stored. */
  secret?: string;
  authHeader?: string;
  /** Without `secret`: the auth the database's listener used for a target (checked before). */
  authFor?: (url: string, role: TargetRole | undefined) => AuthPlan;
  /** Org origin, for the envelope `source`. */
  orgUrl: string;
  hookId?: string;
  batchSize?: number;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  now?: () => number;
  onProgress?: (progress: { sentEvents: number; totalEvents: number }) => void;
}

/** One backfill delivery and the target's answer. */
export interface BackfillDelivery {
  /** Delivery id to `okhook show`. */
  deliveryId: string;
  target: string;
  uuids: string[];
  status: number | null;
  durationMs: number;
  error: string | null;
  verdict: Verdict;
  reason: string;
  /** `listener`: an okhook listener on this database stored it; `okhook`: stored here. */
  storedBy: "listener" | "okhook";
}

/** What `--replay-missing` did. */
export interface BackfillResult {
  events: number;
  acceptedEvents: number;
  failedDeliveries: number;
  targets: { url: string; source: TargetSource }[];
  deliveries: BackfillDelivery[];
}

/**
 * Send the spooled missing events as Okta-shaped deliveries (envelope + `data.events[]`,
 * uuids and `published` kept, Okta's headers), up to BACKFILL_BATCH_SIZE per POST in
 * `published` order, one at a time. Each is stored as a `backfill` delivery exactly once.
 */
export async function backfillMissing(o: BackfillOptions): Promise<BackfillResult> {
  const targets = new TargetResolver(o);
  const result: BackfillResult = {
    events: o.spool.count,
    acceptedEvents: 0,
    failedDeliveries: 0,
    targets: [],
    deliveries: [],
  };
  const batches = new Map<string, LogEvent[]>();
  let sent = 0;
  const flush = async (target: string, events: LogEvent[]) => {
    const d = await sendBatch(o, target, events, targets.roleOf(target));
    result.deliveries.push(d);
    // A 2xx is a receipt even past 3 s (Okta would also have re-sent it).
    if (isOk(d.status)) result.acceptedEvents += events.length;
    else result.failedDeliveries++;
    sent += events.length;
    o.onProgress?.({ sentEvents: sent, totalEvents: o.spool.count });
  };
  for (const event of o.spool.ordered()) {
    const target = targets.for(String(event.eventType ?? ""));
    const batch = batches.get(target) ?? [];
    batch.push(event);
    batches.set(target, batch);
    if (batch.length >= (o.batchSize ?? BACKFILL_BATCH_SIZE)) {
      batches.delete(target);
      await flush(target, batch);
    }
  }
  for (const [target, batch] of batches) await flush(target, batch);
  result.targets = targets.used();
  return result;
}

/** Per event type: `--to`, else the listener's forward target for that type, else the listener. */
class TargetResolver {
  private readonly cache = new Map<string, { url: string; source: TargetSource }>();
  constructor(private readonly o: BackfillOptions) {}

  for(eventType: string): string {
    let hit = this.cache.get(eventType);
    if (!hit) {
      const forward = this.o.to ? undefined : forwardTargetFor(this.o.store, eventType);
      if (this.o.to) hit = { url: this.o.to, source: "to" };
      else if (forward) hit = { url: forward, source: "forward" };
      else if (this.o.listenerUrl) hit = { url: this.o.listenerUrl, source: "listener" };
      else throw new Error("backfill: no target (checked by runReconcile before sending)");
      this.cache.set(eventType, hit);
    }
    return hit.url;
  }

  /** The listener's own URL, or the app it forwarded this kind of event to. */
  roleOf(url: string): TargetRole | undefined {
    for (const t of this.cache.values()) {
      if (t.url !== url) continue;
      if (t.source === "listener") return "listener";
      if (t.source === "forward") return "app";
    }
    return undefined;
  }

  used(): { url: string; source: TargetSource }[] {
    const seen = new Map<string, TargetSource>();
    for (const t of this.cache.values()) if (!seen.has(t.url)) seen.set(t.url, t.source);
    return [...seen].map(([url, source]) => ({ url, source }));
  }
}

async function sendBatch(
  o: BackfillOptions,
  target: string,
  events: LogEvent[],
  role: TargetRole | undefined,
): Promise<BackfillDelivery> {
  if (o.signal?.aborted) throw new Interrupted();
  const now = o.now ?? Date.now;
  const [envelope] = materialise(events, {
    keepIds: true,
    batch: true,
    clock: now,
    source: sourceOf(o, events),
  });
  const plan = o.secret === undefined ? o.authFor?.(target, role) : undefined;
  if (plan && !plan.send && plan.why === "unknown") throw new ConfigError(plan.message ?? "");
  const authHeader = (plan?.header ?? o.authHeader ?? DEFAULT_AUTH_HEADER).toLowerCase();
  const secret = plan ? (plan.send ? plan.value : undefined) : o.secret;
  const headers = {
    ...deliveryHeaders({ secret, authHeader }),
    [BACKFILL_HEADER]: "true",
  };
  const body = Buffer.from(JSON.stringify(envelope));
  const sentAt = now();
  const { timeoutMs, dispatcher, signal } = o;
  const res = await sendDelivery({ url: target, body, headers, timeoutMs, dispatcher, signal });
  const sent = { target, sentAt, body, headers: redacted(headers, authHeader), events };
  const stored = storeOnce(o.store, sent, envelope!.eventId, res);
  // Stored first, even when Ctrl+C cut the send short: the row says what happened.
  if (o.signal?.aborted) throw new Interrupted();
  return delivery(stored, target, events, res);
}

interface Sent {
  target: string;
  sentAt: number;
  body: Buffer;
  headers: HeaderPairs;
  events: LogEvent[];
}

/**
 * One row per backfill: the one a listener on this database stored (re-labelled), else our
 * own `backfill` row with the attempt, which is also where every refused send is recorded.
 */
function storeOnce(
  store: Store,
  sent: Sent,
  eventId: string,
  res: JudgedSendResult,
): { id: string; storedBy: BackfillDelivery["storedBy"] } {
  const listenerRow = isOk(res.status)
    ? markListenerBackfill(store, eventId, sent.sentAt)
    : undefined;
  if (listenerRow) return { id: listenerRow.id, storedBy: "listener" };
  const row = insertBackfill(store, {
    ...sent,
    id: newDeliveryId(),
    events: sent.events.map(parseEvent),
    envelopeEventId: eventId,
    status: res.status,
    durationMs: res.durationMs,
    error: res.error,
    response: res.responseBody ?? null,
    slow: res.durationMs > OKTA_HOOK_TIMEOUT_MS,
  });
  return { id: row.id, storedBy: "okhook" };
}

function delivery(
  stored: { id: string; storedBy: BackfillDelivery["storedBy"] },
  target: string,
  events: LogEvent[],
  res: JudgedSendResult,
): BackfillDelivery {
  return {
    deliveryId: stored.id,
    target,
    uuids: events.map((e) => String(e.uuid ?? "")),
    status: res.status,
    durationMs: res.durationMs,
    error: res.error,
    verdict: res.verdict,
    reason: res.reason,
    storedBy: stored.storedBy,
  };
}

/** `https://<org>/api/v1/eventHooks/<hook>`: the hook Okta meant, when known. */
function sourceOf(o: BackfillOptions, events: LogEvent[]): string {
  const named = parseWebhookIds(events[0]?.debugContext?.debugData?.webhooks)[0];
  return `${o.orgUrl}/api/v1/eventHooks/${o.hookId ?? named ?? "unknown"}`;
}

function redacted(headers: Record<string, string>, authHeader: string): HeaderPairs {
  return Object.entries(headers).map(([k, v]) => [k, k === authHeader ? REDACTED : v]);
}

function isOk(status: number | null | undefined): boolean {
  return typeof status === "number" && status >= 200 && status < 300;
}
