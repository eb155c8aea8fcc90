// Okta-shaped event hook deliveries (okta-reference §2) with a unique envelope id and unique
// event uuids per request, at a chosen size. Bodies are built from a template by
// concatenation so the load generator spends as little CPU as possible per request.
import { randomBytes } from "node:crypto";

const TYPES = ["user.lifecycle.create", "group.user_membership.add", "user.account.update_profile"];
const SLOT = "@@SLOT@@";

/** One System Log event shaped like Okta's, with a placeholder uuid and a padding field. */
function eventTemplate(i, published, pad) {
  const requestId = randomBytes(20).toString("base64url").slice(0, 27);
  return {
    uuid: SLOT,
    published,
    eventType: TYPES[i % TYPES.length],
    version: "0",
    severity: "INFO",
    displayMessage: "Create Okta user",
    actor: {
      id: "00u5a1xk9QvT2mBcd1d7",
      type: "User",
      alternateId: "dana.admin@example.com",
      displayName: "Dana Admin",
      detailEntry: null,
    },
    client: {
      zone: "null",
      device: "Unknown",
      id: null,
      ipAddress: "198.51.100.10",
    },
    debugContext: { debugData: { requestId, requestUri: "/api/v1/users", url: pad } },
    outcome: { result: "SUCCESS", reason: null },
    target: [
      {
        id: "00uGCHkxpTFSEksHm1d7",
        type: "User",
        alternateId: `user${i}@example.com`,
        displayName: "Priya Natarajan",
        detailEntry: null,
      },
    ],
    transaction: { type: "WEB", id: requestId, detail: {} },
  };
}

function envelope(events) {
  return {
    eventType: "com.okta.event_hook",
    eventTypeVersion: "1.0",
    cloudEventsVersion: "0.1",
    source: "https://example.okta.com/api/v1/eventHooks/whoBenchBenchBench17",
    eventId: SLOT,
    eventTime: new Date().toISOString(),
    contentType: "application/json",
    data: { events },
  };
}

function build(events, padEach) {
  const published = new Date().toISOString();
  const pad = "x".repeat(padEach);
  const list = Array.from({ length: events }, (_, i) => eventTemplate(i, published, pad));
  return JSON.stringify(envelope(list));
}

/**
 * A factory of unique Okta deliveries: `events` events per envelope, total length close to
 * `bytes` (never below the unpadded size). `next()` returns a fresh body string.
 */
export function deliveryFactory({ events = 2, bytes = 2048 } = {}) {
  const bare = build(events, 0).length + (36 - SLOT.length) * (events + 1);
  const padEach = Math.max(0, Math.floor((bytes - bare) / events));
  const parts = build(events, padEach).split(SLOT);
  // Okta's uuids are version-1 (time-based: time_low changes fastest), so consecutive
  // events land all over a uuid index, not at its end. time_low is a bijective hash of a
  // counter (unique per factory), the rest is a random per-factory node id.
  const node = randomBytes(8).toString("hex");
  let n = 0;
  const uuid = () => {
    n++;
    const timeLow = (Math.imul(n, 0x9e3779b1) >>> 0).toString(16).padStart(8, "0");
    const mid = Math.floor(n / 2 ** 32)
      .toString(16)
      .padStart(4, "0");
    return `${timeLow}-${mid}-11f1-${node.slice(0, 4)}-${node.slice(4, 16)}`;
  };
  const next = () => {
    let s = parts[0];
    for (let i = 1; i < parts.length; i++) s += uuid() + parts[i];
    return s;
  };
  const size = Buffer.byteLength(next());
  return { next, size, events };
}

/** Headers Okta sends with a delivery (okta-reference §2), plus the auth header. */
export function oktaHeaders(secret) {
  return {
    "content-type": "application/json",
    accept: "application/json",
    "user-agent": "Okta Event Hooks",
    "x-okta-request-id": "aQbenchbenchbenchbenchbench",
    authorization: secret,
  };
}
