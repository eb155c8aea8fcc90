import { parseEnvelope } from "../../src/listen/parse-events.js";
import { newDeliveryId } from "../../src/store/ids.js";
import type { Store } from "../../src/store/store.js";
import type { HeaderPairs, NewDelivery } from "../../src/store/types.js";
import { envelope, logEvent } from "../helpers/payload.js";

/** Headers as the listener stores them for an Okta POST (auth value redacted). */
export const OKTA_HEADERS: HeaderPairs = [
  ["Host", "abc.trycloudflare.com"],
  ["Content-Type", "application/json"],
  ["Accept", "application/json"],
  ["User-Agent", "Okta Hook Service v1.0.0"],
  ["Authorization", "[redacted]"],
  ["Connection", "Upgrade, Keep-Alive"],
  ["Keep-Alive", "timeout=99"],
  ["Upgrade", "h2c"],
  ["Content-Length", "999"],
  ["X-Okta-Request-Id", "rq-1"],
  ["Cookie", "[redacted]"],
];

/** A stored delivery built from exact body bytes, the way the listener would store it. */
export function deliveryOf(body: Buffer, extra: Partial<NewDelivery> = {}): NewDelivery {
  const parsed = parseEnvelope(JSON.parse(body.toString()));
  if ("error" in parsed) throw new Error(parsed.error);
  return {
    id: newDeliveryId(),
    receivedAt: Date.now(),
    method: "POST",
    path: "/okta/events",
    remoteAddr: "127.0.0.1",
    headers: OKTA_HEADERS,
    body,
    size: body.length,
    kind: "delivery",
    status: 200,
    auth: "ok",
    events: parsed.events,
    envelopeEventId: parsed.eventId,
    forwardState: "none",
    ...extra,
  };
}

/** Insert `n` one-event deliveries in ONE transaction; returns their seqs and ids, oldest first. */
export function seed(
  store: Store,
  n: number,
  eventType = "user.lifecycle.create",
): { seq: number; id: string }[] {
  const records = Array.from({ length: n }, () => deliveryOf(envelope([logEvent(eventType)])));
  return store.deliveries.insert(records);
}
