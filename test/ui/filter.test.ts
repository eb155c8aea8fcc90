import { describe, expect, it } from "vitest";
import { parseFilter } from "../../src/ui/filter.js";

describe("parseFilter", () => {
  it.each([
    ["user.lifecycle.*", { eventTypeGlob: "user.lifecycle.*" }],
    ["group.user_membership", { eventTypeGlob: "group.user_membership*" }],
    ["type:user.*", { eventTypeGlob: "user.*" }],
    ["failed", { forwardStates: ["failed"] }],
    ["pending forwarded", { forwardStates: ["pending", "forwarded"] }],
    ["captured", { forwardStates: ["none"] }],
    ["rejected", { kinds: ["rejected"] }],
    ["verify", { kinds: ["verification"] }],
    ["kind:invalid", { kinds: ["invalid"] }],
    ["401", { statuses: [401] }],
    ["status:413", { statuses: [413] }],
    ["dana@example.com", { text: "dana@example.com" }],
    ["7f3k2q9a", { text: "7f3k2q9a" }],
    ["user.* failed sam", { eventTypeGlob: "user.*", forwardStates: ["failed"], text: "sam" }],
    ["   ", {}],
  ])("%s", (input, expected) => {
    expect(parseFilter(input)).toEqual(expected);
  });
});
