import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { forwardHeaders } from "../../src/forward/headers.js";
import {
  describeRoutes,
  normalizeTarget,
  RoutingTable,
  routingNotes,
} from "../../src/forward/routes.js";

describe("--forward-to", () => {
  it.each([
    ["3000", "http://localhost:3000/"],
    ["3000/users", "http://localhost:3000/users"],
    ["localhost:3000/hooks", "http://localhost:3000/hooks"],
    ["127.0.0.1:3000", "http://127.0.0.1:3000/"],
    ["http://127.0.0.1:3000/hook?x=1", "http://127.0.0.1:3000/hook?x=1"],
    ["https://app.example.com/okta", "https://app.example.com/okta"],
  ])("normalizes %s", (spec, url) => {
    expect(normalizeTarget(spec)).toBe(url);
  });

  it.each(["htp:/localhost", "ftp://x/", "", "http://", "http://user:pw@host/"])(
    "refuses %s with a usage error",
    (spec) => {
      expect(() => normalizeTarget(spec)).toThrow(UsageError);
    },
  );

  it("routes by first matching pattern with a catch-all", () => {
    const t = RoutingTable.parse([
      "user.lifecycle.*=http://localhost:1/users",
      "group.*=http://localhost:2/groups",
      "http://localhost:3/all",
    ]);
    expect(t.targetFor("user.lifecycle.delete.initiated")).toBe("http://localhost:1/users");
    expect(t.targetFor("group.user_membership.add")).toBe("http://localhost:2/groups");
    expect(t.targetFor("application.lifecycle.create")).toBe("http://localhost:3/all");
    expect(
      t.targetsFor([
        "user.lifecycle.create",
        "group.user_membership.add",
        "user.lifecycle.activate",
      ]),
    ).toEqual(["http://localhost:1/users", "http://localhost:2/groups"]);
    expect(
      RoutingTable.parse(["user.*=http://localhost:1/"]).targetsFor(["group.lifecycle.create"]),
    ).toEqual([]);
  });

  it("forwards original headers minus hop-by-hop, re-adds auth and x-okhook-*", () => {
    const h = forwardHeaders(
      [
        ["Host", "abc.trycloudflare.com"],
        ["Content-Type", "application/json"],
        ["Authorization", "[redacted]"],
        ["Connection", "keep-alive"],
        ["Content-Length", "10"],
        ["X-Okta-Request-Id", "r1"],
        ["x-okhook-replay", "true"],
      ],
      { header: "authorization", value: "s3cret" },
      { deliveryId: "d1", attempt: 2, replay: false, receivedAt: 0 },
    );
    expect(h).toEqual({
      "content-type": "application/json",
      "x-okta-request-id": "r1",
      authorization: "s3cret",
      "x-okhook-delivery-id": "d1",
      "x-okhook-attempt": "2",
      "x-okhook-replay": "false",
      "x-okhook-original-received-at": "1970-01-01T00:00:00.000Z",
    });
  });

  it("says per target what it receives under first-match routing", () => {
    const describe = (...specs: string[]) =>
      describeRoutes(RoutingTable.parse(specs).routes).map((t) => `${t.target} ← ${t.receives}`);
    expect(describe("3000")).toEqual(["http://localhost:3000/ ← null"]);
    expect(describe("user.lifecycle.*=3000/users", "3001")).toEqual([
      "http://localhost:3000/users ← user.lifecycle.*",
      "http://localhost:3001/ ← everything else",
    ]);
    expect(describe("user.*=3000", "group.*=3001", "app.*=3000")).toEqual([
      "http://localhost:3000/ ← user.*, app.*",
      "http://localhost:3001/ ← group.*",
    ]);
    // a second catch-all, or a pattern after one, never matches anything
    expect(describe("3000", "3001", "user.*=3002")).toEqual([
      "http://localhost:3000/ ← everything",
      "http://localhost:3001/ ← nothing (after the catch-all)",
      "http://localhost:3002/ ← nothing (after the catch-all)",
    ]);
    expect(describe("user.*=3000", "3000")).toEqual(["http://localhost:3000/ ← everything"]);
  });

  it("notes that a mixed batch goes whole to each target, and what happens with no catch-all", () => {
    const notes = (...specs: string[]) => routingNotes(RoutingTable.parse(specs).routes);
    expect(notes("3000")).toEqual([]);
    expect(notes("user.*=3000", "3001")).toEqual([
      "a batch goes whole (all its events, Okta's bytes) to each target one of its events routes to",
    ]);
    expect(notes("user.*=3000")).toHaveLength(2);
    expect(notes("user.*=3000")[1]).toBe(
      "a delivery none of whose events match is stored, not forwarded",
    );
  });
});
