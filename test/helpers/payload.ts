import { randomUUID } from "node:crypto";

/** A minimal but Okta-shaped LogEvent. */
export function logEvent(eventType: string, uuid: string = randomUUID()): Record<string, unknown> {
  return {
    uuid,
    published: new Date().toISOString(),
    eventType,
    version: "0",
    severity: "INFO",
    displayMessage: `Test ${eventType}`,
    actor: {
      id: "00u5a1xk9QvT2mBcd1d7",
      type: "User",
      alternateId: "dana.admin@example.com",
      displayName: "Dana Admin",
      detailEntry: null,
    },
    outcome: { result: "SUCCESS", reason: null },
    target: [
      {
        id: "00u9wr3jLmP0sXy8E1d7",
        type: "User",
        alternateId: "sam.lee@example.com",
        displayName: "Sam Lee",
        detailEntry: null,
      },
    ],
    transaction: { type: "WEB", id: "aQ3xV9nLk2R7tYp0mZ8wCgAABXk", detail: {} },
  };
}

/** An Okta event hook envelope holding the given events, as exact bytes. */
export function envelope(events: Record<string, unknown>[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      eventType: "com.okta.event_hook",
      eventTypeVersion: "1.0",
      cloudEventsVersion: "0.1",
      source: "https://example.okta.com/api/v1/eventHooks/whoq7Xb2mK9rT4vNp1d7",
      eventId: randomUUID(),
      eventTime: new Date().toISOString(),
      contentType: "application/json",
      data: { events },
    }),
  );
}

/** The usual test delivery: user created + added to a group. */
export function twoEventDelivery(): { body: Buffer; uuids: string[] } {
  const a = logEvent("user.lifecycle.create");
  const b = logEvent("group.user_membership.add");
  return { body: envelope([a, b]), uuids: [a.uuid as string, b.uuid as string] };
}

/** POST a body the way Okta does; the answer as text and as bytes, with its content type. */
export async function post(
  url: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; bytes: Buffer; type: string | null; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": "Okta Hook Service v1.0.0",
      ...headers,
    },
    body,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    text: new TextDecoder().decode(bytes), // as res.text() decodes: UTF-8, a BOM dropped
    bytes,
    type: res.headers.get("content-type"),
    ms: performance.now() - started,
  };
}
