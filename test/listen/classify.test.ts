import { describe, expect, it } from "vitest";
import { checkAuth, redactHeaders } from "../../src/listen/auth.js";
import { classify, type IncomingRequest } from "../../src/listen/classify.js";
import { envelope, logEvent } from "../helpers/payload.js";

const cfg = { hookPath: "/okta/events", secret: "s3cret-value", authHeader: "authorization" };

function req(
  over: Partial<IncomingRequest> & { headers?: Record<string, string> },
): IncomingRequest {
  const headers = over.headers ?? { authorization: "s3cret-value" };
  return {
    method: "POST",
    path: "/okta/events",
    body: envelope([logEvent("user.lifecycle.create", "AAAA-1")]),
    tooLarge: false,
    header: (n) => headers[n.toLowerCase()],
    ...over,
  };
}

describe("classify", () => {
  it("answers the verification challenge exactly as Okta requires", () => {
    const c = classify(
      req({ method: "GET", body: null, headers: { "x-okta-verification-challenge": "abc-123" } }),
      cfg,
    );
    expect(c).toMatchObject({
      kind: "verification",
      status: 200,
      responseHeaders: { "content-type": "application/json" },
    });
    expect(JSON.parse(c.responseBody)).toEqual({ verification: "abc-123" });
  });

  it("accepts a delivery and splits its events, lower-casing uuids", () => {
    const c = classify(req({}), cfg);
    expect(c.kind).toBe("delivery");
    expect(c.status).toBe(200);
    expect(c.responseBody).toBe("");
    expect(c.events[0]).toMatchObject({
      uuid: "aaaa-1",
      eventType: "user.lifecycle.create",
      outcome: "SUCCESS",
    });
  });

  it.each([
    ["missing secret", { headers: {} }, "rejected", 401],
    ["wrong secret", { headers: { authorization: "nope" } }, "rejected", 401],
    ["non-JSON", { body: Buffer.from("hello") }, "invalid", 400],
    ["JSON without data.events", { body: Buffer.from('{"data":{}}') }, "invalid", 400],
    ["a JSON array", { body: Buffer.from("[1,2]") }, "invalid", 400],
    ["too large", { tooLarge: true, body: null }, "too_large", 413],
    ["too large without the secret", { tooLarge: true, body: null, headers: {} }, "rejected", 401],
    ["wrong method", { method: "PUT" }, "method_not_allowed", 405],
    ["GET without challenge", { method: "GET" }, "method_not_allowed", 405],
    ["wrong path", { path: "/admin" }, "not_found", 404],
  ] as const)("classifies %s", (_name, over, kind, status) => {
    const c = classify(req(over as Partial<IncomingRequest>), cfg);
    expect([c.kind, c.status]).toEqual([kind, status]);
  });

  it("marks deliveries sent by okhook send fixture as fixtures", () => {
    const c = classify(
      req({
        headers: { authorization: "s3cret-value", "x-okhook-fixture": "user.lifecycle.create" },
      }),
      cfg,
    );
    expect([c.kind, c.status, c.events.length]).toEqual(["fixture", 200, 1]);
  });

  it("marks what okhook replay sends through the listener as a replay, not a new delivery", () => {
    const sent = (replay: string) =>
      classify(req({ headers: { authorization: "s3cret-value", "x-okhook-replay": replay } }), cfg)
        .kind;
    expect(sent("true")).toBe("replay");
    // the forwarder's first sends say false: only okhook's re-sends are replays
    expect(sent("false")).toBe("delivery");
  });

  it("accepts anything authenticated when no secret is configured", () => {
    expect(classify(req({ headers: {} }), { ...cfg, secret: undefined }).kind).toBe("delivery");
  });

  it("compares secrets in constant time and never stores them", () => {
    expect(checkAuth("a", "a")).toBe("ok");
    expect(checkAuth("a", "ab")).toBe("wrong");
    expect(checkAuth(undefined, "a")).toBe("missing");
    expect(checkAuth("x", undefined)).toBe("none");
    const pairs = redactHeaders(
      ["Authorization", "s3cret", "X-Secret", "v", "Content-Type", "application/json"],
      "x-secret",
    );
    expect(pairs).toEqual([
      ["Authorization", "[redacted]"],
      ["X-Secret", "[redacted]"],
      ["Content-Type", "application/json"],
    ]);
  });
});
