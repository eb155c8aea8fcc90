import { randomUUID } from "node:crypto";
import { ConfigError, UsageError } from "../errors.js";
import { type ForwardAuth, forwardHeaders } from "../forward/headers.js";
import { parseEnvelope } from "../listen/parse-events.js";
import { DEFAULT_AUTH_HEADER } from "../okta/delivery.js";
import { applyEdits } from "../payload/edit.js";
import { newDeliveryId, shortId } from "../store/ids.js";
import type { Store } from "../store/store.js";
import type { DeliveryRow, HeaderPairs, ParsedEvent } from "../store/types.js";
import { REDACTED } from "../text/redact.js";
import type { PreparedReplay, ReplayItem, ReplaySendOptions } from "./types.js";

/** Redacted headers that never carry the hook secret, so never name the auth header. */
const NOT_AUTH = new Set(["cookie", "proxy-authorization"]);

/**
 * Work out what replaying one item sends: bytes (original, or edited), target, headers and
 * attempt number. Reads the store only; usage errors name the delivery.
 */
export function prepareReplay(
  store: Store,
  item: ReplayItem,
  o: ReplaySendOptions = {},
): PreparedReplay {
  const pre = item.prefetched;
  const original = pre ? pre.row : store.deliveries.bySeq(item.seq);
  if (!original) throw new UsageError(`delivery #${item.seq}: no longer in the database`);
  const stored = pre ? pre.body : store.deliveries.body(item.seq);
  if (stored === null) {
    throw new UsageError(
      `"${shortId(original.id)}": its body was not stored (${original.kind}), so it cannot be replayed`,
    );
  }
  if (stored.length < original.size) {
    throw new UsageError(
      `"${shortId(original.id)}": only the first ${stored.length} of its ${original.size} body bytes were kept (${original.kind}), so it cannot be replayed`,
    );
  }
  const payload = buildPayload(store, original, stored, item, o);
  const { url, source } = resolveTarget(store, original, o);
  const newId = payload.edited ? newDeliveryId() : undefined;
  const last = pre ? (pre.lastAttempt.get(url) ?? 0) : store.attempts.lastNo(original.seq, url);
  const attempt = newId ? 1 : last + 1;
  const auth = replayAuth(original, url, source, o);
  const headers = forwardHeaders(
    original.headers.filter(([, v]) => v !== REDACTED),
    auth,
    {
      deliveryId: newId ?? original.id,
      attempt,
      replay: true,
      replayOf: original.id,
      receivedAt: original.receivedAt,
    },
  );
  return {
    original,
    eventUuid: payload.eventUuid,
    method: "POST",
    url,
    headers,
    authHeader: auth.header,
    body: payload.body,
    edited: payload.edited,
    get events() {
      return payload.events;
    },
    envelopeEventId: payload.envelopeEventId,
    attempt,
    targetSource: source,
    newId,
  };
}

interface Payload {
  body: Buffer;
  edited: boolean;
  events: ParsedEvent[];
  envelopeEventId: string | null;
  eventUuid?: string;
}

/** Original bytes unless something changes them: one event only, `--fresh-ids`, `--set`. */
function buildPayload(
  store: Store,
  original: DeliveryRow,
  stored: Buffer,
  item: ReplayItem,
  o: ReplaySendOptions,
): Payload {
  const edits = o.edits ?? [];
  if (item.eventIdx === undefined && edits.length === 0 && !o.freshIds) {
    let events: ParsedEvent[] | undefined;
    return {
      body: stored,
      edited: false,
      // Only a dry run's plan lists them: a plain replay never reads them.
      get events() {
        events ??= store.deliveries.events(original.seq).map(toParsed);
        return events;
      },
      envelopeEventId: original.envelopeEventId,
    };
  }
  const eventUuid =
    item.eventIdx !== undefined
      ? (store.deliveries.events(original.seq).find((e) => e.idx === item.eventIdx)?.uuid ??
        undefined)
      : undefined;
  let json = parseOkta(stored, original, item.eventIdx !== undefined || !!o.freshIds);
  if (item.eventIdx !== undefined) json = onlyEvent(json, item.eventIdx, original);
  if (o.freshIds) json = freshIds(json);
  // Edits come last so an explicit --set (even of a uuid) wins over --fresh-ids.
  json = applyEdits(json, edits);
  const parsed = parseEnvelope(json);
  return {
    body: Buffer.from(JSON.stringify(json)),
    edited: true,
    events: "events" in parsed ? parsed.events : [],
    envelopeEventId: "events" in parsed ? parsed.eventId : null,
    eventUuid,
  };
}

function toParsed(e: ParsedEvent): ParsedEvent {
  const { uuid, eventType, published, displayMessage, actor, outcome, targets } = e;
  return { uuid, eventType, published, displayMessage, actor, outcome, targets };
}

type Envelope = Record<string, unknown> & { data?: { events?: unknown[] } };

function parseOkta(body: Buffer, d: DeliveryRow, needEvents: boolean): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new UsageError(
      `"${shortId(d.id)}": its body is not JSON, so it can only be replayed as is (drop --set/--fresh-ids)`,
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UsageError(
      `"${shortId(d.id)}": its body is not a JSON object, so it cannot be edited`,
    );
  }
  const events = (json as Envelope).data?.events;
  if (needEvents && !Array.isArray(events)) {
    throw new UsageError(
      `"${shortId(d.id)}": its body has no data.events[] (not an Okta delivery), so --fresh-ids has nothing to renew`,
    );
  }
  return json as Envelope;
}

/** The envelope with `data.events` reduced to one event: what Okta would send for it alone. */
function onlyEvent(json: Envelope, idx: number, d: DeliveryRow): Envelope {
  const event = json.data?.events?.[idx];
  if (event === undefined) {
    throw new UsageError(`"${shortId(d.id)}": event #${idx} is no longer in its body`);
  }
  return { ...json, data: { ...json.data, events: [event] } };
}

/** New uuid on every event and a new envelope `eventId`; nothing else changes. */
function freshIds(json: Envelope): Envelope {
  const copy = structuredClone(json);
  if ("eventId" in copy) copy.eventId = randomUUID();
  for (const event of copy.data?.events ?? []) {
    if (typeof event === "object" && event !== null && "uuid" in event) {
      (event as { uuid: unknown }).uuid = randomUUID();
    }
  }
  return copy;
}

/**
 * The auth header a replay carries: an explicit secret for every target, else what the
 * listener used there (its own secret on its URL, the forward value for its app). A value the
 * listener used but that is not known here is a configuration error: nothing is sent.
 */
function replayAuth(
  d: DeliveryRow,
  url: string,
  source: PreparedReplay["targetSource"],
  o: ReplaySendOptions,
): ForwardAuth {
  const fallback = (o.authHeader ?? inferAuthHeader(d.headers)).toLowerCase();
  if (!o.authFor || o.secret !== undefined) return { header: fallback, value: o.secret };
  const role = source === "listener" ? "listener" : source === "forward-target" ? "app" : undefined;
  const plan = o.authFor(url, role, fallback);
  if (plan.send) return { header: plan.header, value: plan.value };
  if (plan.why === "unknown")
    throw new ConfigError(plan.message ?? "the listener's secret is not known here");
  return { header: plan.header, value: undefined };
}

/**
 * Target: `--to` (counted as the forward target when it is the app the listener last forwarded
 * this delivery to); `--via-listener` → the listener URL; else where the listener last
 * forwarded this delivery; else the listener URL (it stores and forwards it again).
 */
export function resolveTarget(
  store: Store,
  d: DeliveryRow,
  o: Pick<ReplaySendOptions, "to" | "viaListener">,
): { url: string; source: PreparedReplay["targetSource"] } {
  if (o.to) {
    // the app the listener failed to deliver it to, named explicitly (the TUI's r does): a 2xx
    // there marks it forwarded. Only a failed row is looked up (no extra read per replay else).
    const same = d.forwardState === "failed" && o.to === store.attempts.lastForwardTarget(d.seq);
    return { url: o.to, source: same ? "forward-target" : "to" };
  }
  const listener = store.meta.get("listener.url");
  if (o.viaListener) {
    if (!listener) {
      throw new UsageError(
        "--via-listener: no okhook listen has run on this database (start it, or pass --to <url>)",
      );
    }
    return { url: listener, source: "listener" };
  }
  const forwarded = store.attempts.lastForwardTarget(d.seq);
  if (forwarded) return { url: forwarded, source: "forward-target" };
  if (listener) return { url: listener, source: "listener" };
  throw new UsageError(
    `"${shortId(d.id)}": never forwarded and no okhook listen has run on this database (pass --to <url>)`,
  );
}

/**
 * The header that carried the hook secret when this delivery arrived: the listener stored its
 * value as `[redacted]`. A custom name wins over `authorization`, which is always redacted.
 */
export function inferAuthHeader(headers: HeaderPairs): string {
  const redacted = headers
    .filter(([, v]) => v === REDACTED)
    .map(([k]) => k.toLowerCase())
    .filter((k) => !NOT_AUTH.has(k));
  return redacted.find((k) => k !== DEFAULT_AUTH_HEADER) ?? DEFAULT_AUTH_HEADER;
}
