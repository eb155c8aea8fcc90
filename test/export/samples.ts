import type { ExportedAttempt, ExportedDelivery } from "../../src/export/record.js";

const T0 = Date.UTC(2026, 10, 20, 14, 2, 11, 482);

/** An Okta-shaped body of one event. */
export function oktaBody(uuid: string, type = "user.lifecycle.create"): Buffer {
  return Buffer.from(
    JSON.stringify({
      eventType: "com.okta.event_hook",
      eventId: "evt1",
      data: { events: [{ uuid, eventType: type, published: "2026-11-20T14:02:11.000Z" }] },
    }),
  );
}

/** A forward attempt answered by the app. */
export function attempt(over: Partial<ExportedAttempt> = {}): ExportedAttempt {
  return {
    kind: "forward",
    target: "http://localhost:3000/hooks",
    attempt: 1,
    startedAt: T0 + 5,
    durationMs: 14.5,
    status: 200,
    error: null,
    response: Buffer.from('{"ok":true}'),
    responseHeaders: [["content-type", "application/json"]],
    slow: false,
    ...over,
  };
}

/** A stored delivery with everything export writes; `over` changes any field. */
export function delivery(over: Partial<ExportedDelivery> = {}): ExportedDelivery {
  const body =
    over.body === undefined ? oktaBody("fb4d3fa0-e4ea-11f1-8f21-1b6d3e9a7c42") : over.body;
  return {
    seq: 1,
    id: "01jx0000000000000000000001",
    receivedAt: T0,
    method: "POST",
    path: "/okta/events",
    remoteAddr: "127.0.0.1",
    headers: [
      ["host", "hooks.example.com"],
      ["x-forwarded-proto", "https"],
      ["content-type", "application/json"],
      ["authorization", "[redacted]"],
      ["user-agent", "Okta Hook Service v1.0.0"],
    ],
    size: body?.length ?? 0,
    kind: "delivery",
    status: 200,
    ackMs: 2.1,
    auth: "ok",
    reason: null,
    envelopeEventId: "evt1",
    forwardState: "forwarded",
    forwardStatus: 200,
    forwardMs: 14.5,
    forwardError: null,
    replayOf: null,
    duplicateCount: 0,
    events: [
      {
        idx: 0,
        uuid: "fb4d3fa0-e4ea-11f1-8f21-1b6d3e9a7c42",
        eventType: "user.lifecycle.create",
        published: "2026-11-20T14:02:11.000Z",
        displayMessage: null,
        actor: null,
        outcome: null,
        targets: null,
        duplicate: false,
      },
    ],
    attempts: [
      attempt({ status: 503, response: Buffer.from("busy"), responseHeaders: null }),
      attempt({ attempt: 2, startedAt: T0 + 900 }),
    ],
    ...over,
    body,
  };
}

/** Deliveries covering what export must carry: binary and capped bodies, odd answers. */
export function variedDeliveries(): ExportedDelivery[] {
  const binary = Buffer.from([0xff, 0x00, 0xfe, 0x1b, 0x5b, 0x32, 0x4a]);
  return [
    delivery(),
    delivery({
      id: "01jx0000000000000000000002",
      kind: "invalid",
      status: 400,
      body: binary,
      events: [],
      attempts: [],
      forwardState: "none",
      reason: "body is not JSON",
    }),
    delivery({
      id: "01jx0000000000000000000003",
      kind: "rejected",
      status: 401,
      auth: "wrong",
      body: Buffer.from("x".repeat(2048)),
      size: 50_000,
      events: [],
      attempts: [],
      reason: "auth header wrong; first 2048 of 50000 body bytes kept",
    }),
    delivery({
      id: "01jx0000000000000000000004",
      method: "GET",
      kind: "verification",
      body: null,
      size: 0,
      events: [],
      headers: [["x-okta-verification-challenge", "abc"]],
      attempts: [],
    }),
    delivery({
      id: "01jx0000000000000000000005",
      attempts: [
        attempt({ status: null, error: "connect ECONNREFUSED 127.0.0.1:3000", response: null }),
        attempt({ attempt: 2, response: binary, responseHeaders: [["content-type", "image/png"]] }),
      ],
    }),
    // an edited replay's copy (replay --set): okhook stored it, nobody was answered (status 0)
    delivery({
      id: "01jx0000000000000000000006",
      kind: "replay",
      status: 0,
      auth: "none",
      replayOf: "01jx0000000000000000000001",
      forwardState: "none",
      attempts: [attempt({ kind: "replay" })],
    }),
  ];
}
