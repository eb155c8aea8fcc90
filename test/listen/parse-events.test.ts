import { describe, expect, it } from "vitest";
import { parseEvent } from "../../src/listen/parse-events.js";

describe("an event's actor and targets as lists show them", () => {
  it("names a group by its displayName: Okta's alternateId for groups is 'unknown'", () => {
    const e = parseEvent({
      uuid: "ABC-1",
      eventType: "group.user_membership.add",
      actor: { id: "00u1", type: "User", alternateId: "sam@example.com", displayName: "Sam" },
      target: [
        { id: "00u2", type: "User", alternateId: "kim@example.com", displayName: "Kim" },
        { id: "00g1", type: "UserGroup", alternateId: "unknown", displayName: "Engineering" },
        { id: "0oa1", type: "AppInstance" },
      ],
    });
    expect(e).toMatchObject({
      uuid: "abc-1",
      actor: "sam@example.com",
      targets: "kim@example.com, Engineering, 0oa1",
    });
  });
});
