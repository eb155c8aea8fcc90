import { describe, expect, it } from "vitest";
import { globMatcher } from "../../src/event-type-glob.js";
import {
  ELIGIBLE_EVENT_TYPES,
  expandEventTypes,
  isEligible,
  isKnownNotEligible,
  NOT_ELIGIBLE_EVENT_TYPES,
  suggest,
} from "../../src/okta/event-types.js";
import { usageMessage } from "../helpers/thrown.js";

describe("eligible event types", () => {
  it("holds the 314 catalog types, unique", () => {
    expect(ELIGIBLE_EVENT_TYPES).toHaveLength(314);
    expect(new Set(ELIGIBLE_EVENT_TYPES).size).toBe(314);
    expect(isEligible("user.lifecycle.delete.initiated")).toBe(true);
    expect(isEligible("app.user_management")).toBe(true);
    expect(isEligible("user.account.unlock_by_admin")).toBe(true);
  });

  it("shares nothing with the not-eligible list", () => {
    for (const type of NOT_ELIGIBLE_EVENT_TYPES) expect(isEligible(type)).toBe(false);
    expect(isKnownNotEligible("event_hook.delivery")).toBe(true);
    expect(isKnownNotEligible("user.mfa.okta_verify.deny_push")).toBe(true);
    expect(isKnownNotEligible("user.lifecycle.create")).toBe(false);
    expect(ELIGIBLE_EVENT_TYPES.filter((t) => isKnownNotEligible(t))).toEqual([]);
  });
});

describe("expandEventTypes", () => {
  it("lets * span dotted suffixes", () => {
    const types = expandEventTypes(["user.lifecycle.*"]);
    expect(types).toContain("user.lifecycle.delete.initiated");
    expect(types).toHaveLength(7);
  });

  it("expands comma lists, dedupes and keeps pattern order", () => {
    const types = expandEventTypes(["group.user_membership.*, user.lifecycle.create", "user.*"]);
    expect(types.slice(0, 3)).toEqual([
      "group.user_membership.add",
      "group.user_membership.remove",
      "user.lifecycle.create",
    ]);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toContain("user.authentication.universal_logout.scheduled");
  });

  it("lets family.* include the bare family type", () => {
    expect(expandEventTypes(["app.user_management.*"])).toEqual([
      "app.user_management",
      "app.user_management.user_group_import.upsert_success",
    ]);
    expect(globMatcher("user.identity_verification.*")("user.identity_verification")).toBe(true);
  });

  it("suggests a fix for a glob that matches nothing", () => {
    const message = usageMessage(() => expandEventTypes(["usr.lifecycle.*"]));
    expect(message).toContain('"usr.lifecycle.*"');
    expect(message).toContain("did you mean user.lifecycle.*?");
  });

  it("suggests a fix for a misspelt type", () => {
    const message = usageMessage(() => expandEventTypes(["user.lifecycle.creat"], { flag: "--x" }));
    expect(message).toMatch(/^--x "user\.lifecycle\.creat": unknown event type/);
    expect(message).toContain("did you mean user.lifecycle.create?");
  });

  it("says a not-eligible type or family is not hook-eligible", () => {
    expect(usageMessage(() => expandEventTypes(["user.session.expire"]))).toContain(
      "not hook-eligible",
    );
    expect(usageMessage(() => expandEventTypes(["event_hook.*"]))).toContain("not hook-eligible");
    expect(usageMessage(() => expandEventTypes(["policy.lifecycle.create"]))).toMatch(
      /not hook-eligible.*did you mean policy\.lifecycle\.(activate|update)\?/,
    );
  });

  it("refuses an empty list", () => {
    expect(usageMessage(() => expandEventTypes([" , "]))).toContain("no event types");
  });
});

describe("suggest", () => {
  it("finds close strings, substrings, or nothing", () => {
    expect(suggest("user.lifecycle.activte", ELIGIBLE_EVENT_TYPES)).toBe("user.lifecycle.activate");
    expect(suggest("USER.SESSION.START", ELIGIBLE_EVENT_TYPES)).toBe("user.session.start");
    expect(suggest("unlock_by", ["user.account.unlock", "user.account.unlock_by_admin"])).toBe(
      "user.account.unlock_by_admin",
    );
    expect(suggest("zzzzzzzz", ELIGIBLE_EVENT_TYPES)).toBeUndefined();
  });
});
