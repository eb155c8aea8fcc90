import { afterEach, describe, expect, it } from "vitest";
import { eventTypeMatcher, globMatcher } from "../src/event-type-glob.js";
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
    expect(m("user.{session,lifecycle}.create")).toEqual(["user.lifecycle.create"]);
    expect(m("User.*")).toEqual(["User.lifecycle.create"]);
  });

  it("only --events expansion lets `family.*` match the bare family", () => {
    expect(eventTypeMatcher("app.user_management.*")("app.user_management")).toBe(true);
    expect(globMatcher("app.user_management.*")("app.user_management")).toBe(false);
  });
});
