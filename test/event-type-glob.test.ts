import { afterEach, describe, expect, it } from "vitest";
import { globMatcher } from "../src/event-type-glob.js";
import { parseRoute } from "../src/forward/routes.js";
import { closeStores, parsedEvent, seedDelivery, tempStore } from "./helpers/seed-store.js";
import { cleanupTmp } from "./helpers/tmp.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

const TYPES = [
  "user.lifecycle.create",
  "user.lifecycle.delete.initiated",
  "user.session.start",
  "group.user_membership.add",
  "User.lifecycle.create",
  "odd/type.with.slash",
  "app.user_management",
  "app.user_management.user_group_import.upsert_success",
];

const PATTERNS = [
  "user.*",
  "user.lifecycle.*",
  "user.lifecycle*",
  "user.{session,lifecycle}.create",
  "user.?ifecycle.create",
  "group.user_membership.a?d",
  "*",
  "*.create",
  "app.user_management.*",
];

describe("one glob engine for event types", () => {
  it("a pattern selects the same types in stored-delivery queries, routes and the matcher", () => {
    const { store } = tempStore();
    const seqOf = new Map(
      TYPES.map((t, i) => [seedDelivery(store, [parsedEvent(`u${i}`, 0, t)]).seq, t]),
    );
    for (const pattern of PATTERNS) {
      const matcher = globMatcher(pattern);
      const expected = TYPES.filter(matcher).sort();
      const stored = store.deliveries
        .list({ limit: 100, eventTypeGlob: pattern })
        .map((r) => seqOf.get(r.seq)!)
        .sort();
      const routed = TYPES.filter(parseRoute(`${pattern}=3000`).matches).sort();
      expect({ pattern, stored }).toEqual({ pattern, stored: expected });
      expect({ pattern, routed }).toEqual({ pattern, routed: expected });
    }
  });

  it("`*` spans dots and slashes, case counts, braces expand", () => {
    const m = (p: string) => TYPES.filter(globMatcher(p));
    expect(m("user.*")).toEqual([
      "user.lifecycle.create",
      "user.lifecycle.delete.initiated",
      "user.session.start",
    ]);
    expect(m("*")).toEqual(TYPES);
    expect(m("app.*")).toEqual(TYPES.filter((t) => t.startsWith("app.")));
    expect(m("user.{session,lifecycle}.create")).toEqual(["user.lifecycle.create"]);
    expect(m("User.*")).toEqual(["User.lifecycle.create"]);
  });

  it("`family.*` matches the bare family wherever a pattern is taken", () => {
    const { store } = tempStore();
    const { seq } = seedDelivery(store, [parsedEvent("u1", 0, "app.user_management")]);
    const pattern = "app.user_management.*";
    expect(globMatcher(pattern)("app.user_management")).toBe(true);
    expect(parseRoute(`${pattern}=3000`).matches("app.user_management")).toBe(true);
    expect(store.deliveries.list({ limit: 10, eventTypeGlob: pattern }).map((r) => r.seq)).toEqual([
      seq,
    ]);
    expect(globMatcher("app.user_management*")("app.user_managementX")).toBe(true);
    expect(globMatcher("app.user_management.*")("app.user_managementX")).toBe(false);
  });
});
