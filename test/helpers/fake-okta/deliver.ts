import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Dispatcher } from "undici";
import type { LogEvent } from "../../../src/okta/types.js";
import { type FakeHooks, hookTarget, type StoredHook } from "./hooks.js";
import { oktaId } from "./okta-shapes.js";
import { hookHeaders, type OutboundAttempt, outbound } from "./verify.js";

/** Knobs of one delivery round (okta-reference §9 "Deliver"). */
export interface DeliverOptions {
  /** Events raised together; missing fields are filled (fresh uuid, published now). */
  events: Partial<LogEvent>[];
  /** Send every batch twice (at-least-once). */
  duplicate?: boolean;
  /** Reverse the order of events and batches. */
  reorder?: boolean;
  /** Wait this long before sending. */
  delayMs?: number;
  /** At most this many events per POST (default: all in one). */
  splitSize?: number;
  /** Also append the events to the System Log (default true). */
  log?: boolean;
}

/** One POST (with its retry) to one hook. */
export interface DeliveryRecord {
  hookId: string;
  eventId: string;
  uuids: string[];
  headers: Record<string, string>;
  body: string;
  attempts: OutboundAttempt[];
  ok: boolean;
}

/** What deliver needs from the fake around it. */
export interface DeliverDeps {
  now: () => number;
  origin: () => string;
  hooks: FakeHooks;
  makeEvents: (partials: Partial<LogEvent>[]) => LogEvent[];
  appendLog: (events: LogEvent[]) => void;
  timeoutMs: number;
  dispatcher: Dispatcher;
  resolveUri?: (uri: string) => string;
}

/** Raise events and POST them to every ACTIVE + VERIFIED hook subscribed to their types. */
export async function deliver(
  deps: DeliverDeps,
  opts: DeliverOptions,
): Promise<{ events: LogEvent[]; deliveries: DeliveryRecord[] }> {
  const events = deps.makeEvents(opts.events);
  for (const e of events) tagWebhooks(e, deps.hooks.deliverable(String(e.eventType)));
  if (opts.log !== false) deps.appendLog(events);
  if (opts.delayMs) await sleep(opts.delayMs);
  const deliveries: DeliveryRecord[] = [];
  for (const hook of deps.hooks.hooks.values()) {
    const mine = events.filter((e) =>
      deps.hooks.deliverable(String(e.eventType)).some((h) => h.id === hook.id),
    );
    if (opts.reorder) mine.reverse();
    for (const batch of chunk(mine, opts.splitSize ?? Number.POSITIVE_INFINITY)) {
      const record = await postBatch(deps, hook, batch);
      deliveries.push(record);
      if (opts.duplicate) deliveries.push(await resend(deps, hook, record));
    }
  }
  return { events, deliveries };
}

/** Regular events name the hooks configured to deliver them in `debugData.webhooks` (§6). */
function tagWebhooks(event: LogEvent, hooks: StoredHook[]): void {
  if (hooks.length === 0) return;
  const debugContext = event.debugContext ?? {};
  const debugData = debugContext.debugData ?? {};
  debugData.webhooks = hooks.map((h) => h.id).join(",");
  debugContext.debugData = debugData;
  event.debugContext = debugContext;
}

function chunk<T>(items: T[], size: number): T[][] {
  if (items.length === 0) return [];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function postBatch(
  deps: DeliverDeps,
  hook: StoredHook,
  batch: LogEvent[],
): Promise<DeliveryRecord> {
  const eventId = randomUUID();
  const envelope = {
    eventType: "com.okta.event_hook",
    eventTypeVersion: "1.0",
    cloudEventsVersion: "0.1",
    source: `${deps.origin()}/api/v1/eventHooks/${hook.id}`,
    eventId,
    eventTime: new Date(deps.now()).toISOString(),
    contentType: "application/json",
    data: { events: batch },
  };
  const headers = {
    ...hookHeaders(hook),
    "Content-Type": "application/json",
    Accept: "application/json",
    "X-Okta-Request-Id": oktaId("X", 27),
    "User-Agent": "Okta Hook Service v1.0.0 - fake-okta",
  };
  const record: DeliveryRecord = {
    hookId: hook.id,
    eventId,
    uuids: batch.map((e) => String(e.uuid)),
    headers,
    body: JSON.stringify(envelope),
    attempts: [],
    ok: false,
  };
  return send(deps, hook, record);
}

function resend(
  deps: DeliverDeps,
  hook: StoredHook,
  first: DeliveryRecord,
): Promise<DeliveryRecord> {
  return send(deps, hook, { ...first, attempts: [], ok: false });
}

/** 3 s timeout; one retry after a timeout, 5xx or connection error; none after a 4xx. */
async function send(
  deps: DeliverDeps,
  hook: StoredHook,
  record: DeliveryRecord,
): Promise<DeliveryRecord> {
  const uri = hook.input.channel.config.uri;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const a = await outbound(uri, {
      method: "POST",
      headers: record.headers,
      body: record.body,
      timeoutMs: deps.timeoutMs,
      dispatcher: deps.dispatcher,
      resolveUri: deps.resolveUri,
    });
    record.attempts.push(a);
    if (a.status !== undefined && a.status >= 200 && a.status < 300) {
      record.ok = true;
      return record;
    }
    if (a.status !== undefined && a.status >= 400 && a.status < 500) break;
  }
  deps.appendLog(deps.makeEvents([failureEvent(hook, record)]));
  return record;
}

/** The `event_hook.delivery` LogEvent for a failed POST (its retry included). */
function failureEvent(hook: StoredHook, record: DeliveryRecord): Partial<LogEvent> {
  const last = record.attempts.at(-1);
  const reason = last?.timedOut
    ? "Hook timed out"
    : last?.status !== undefined
      ? `Hook endpoint answered ${last.status}`
      : `Connection failed: ${last?.error ?? "unknown"}`;
  return deliveryFailureLog(hook, {
    reason,
    status: last?.status,
    eventId: record.eventId,
    uuids: record.uuids,
  });
}

/**
 * The `event_hook.delivery` LogEvent the fake writes after a final failure. Its real shape is
 * undocumented (okta-reference §6): this is a guess, shared by every test that needs one.
 */
export function deliveryFailureLog(
  hook: StoredHook,
  f: { reason: string; status?: number; eventId?: string; uuids?: string[] },
): Partial<LogEvent> {
  return {
    eventType: "event_hook.delivery",
    severity: "WARN",
    displayMessage: "Event hook delivery failed",
    outcome: { result: "FAILURE", reason: f.reason },
    target: [hookTarget(hook)],
    debugContext: {
      debugData: {
        errorMessage: f.reason,
        ...(f.status !== undefined ? { httpStatus: String(f.status) } : {}),
        deliveryEventId: f.eventId ?? randomUUID(),
        eventUuids: (f.uuids ?? []).join(","),
        webhooks: hook.id,
      },
    },
  };
}
