// Bulk-fill okhook databases through the real store code (dist/store), in big transactions,
// for the scenarios that need many stored deliveries (browse, replay, reconcile).

import { parseEnvelope } from "../../dist/listen/parse-events.js";
import { openDb } from "../../dist/store/db.js";
import { newDeliveryId } from "../../dist/store/ids.js";
import { Store } from "../../dist/store/store.js";

const CHUNK = 5000;

/** Headers as Okta sends them (auth value already redacted, as the listener stores it). */
export const STORED_HEADERS = [
  ["Content-Type", "application/json"],
  ["Accept", "application/json"],
  ["User-Agent", "Okta Event Hooks"],
  ["X-Okta-Request-Id", "aQbenchbenchbenchbenchbench"],
  ["Authorization", "[redacted]"],
  ["Host", "127.0.0.1:8787"],
  ["Content-Length", "2048"],
];

/** A stored delivery record for a body, as the listener would build it. */
export function recordFor(body, { receivedAt, forwardState = "none" }) {
  const buf = Buffer.from(body);
  const env = parseEnvelope(JSON.parse(body));
  return {
    id: newDeliveryId(),
    receivedAt,
    method: "POST",
    path: "/okta/events",
    remoteAddr: "127.0.0.1",
    headers: STORED_HEADERS,
    body: buf,
    size: buf.length,
    kind: "delivery",
    status: 200,
    auth: "ok",
    reason: null,
    events: env.events,
    envelopeEventId: env.eventId,
    forwardState,
    ackMs: 1.2,
  };
}

/**
 * Insert `count` deliveries made by `bodyAt(i)` (a JSON string) received at `receivedAt(i)`,
 * CHUNK per transaction, synchronous=OFF while filling. Returns the elapsed ms.
 */
export function fillDb(file, { count, bodyAt, receivedAt, onProgress }) {
  const started = performance.now();
  const db = openDb(file);
  db.pragma("synchronous = OFF");
  const store = new Store(db);
  for (let i = 0; i < count; i += CHUNK) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + CHUNK); j++) {
      batch.push(recordFor(bodyAt(j), { receivedAt: receivedAt(j) }));
    }
    store.deliveries.insert(batch);
    onProgress?.(Math.min(count, i + CHUNK));
  }
  db.pragma("wal_checkpoint(TRUNCATE)");
  store.close();
  return performance.now() - started;
}
