import { describe, expect, it } from "vitest";
import type { LogEvent } from "../../src/okta/types.js";
import {
  failureConcernsHook,
  parseDeliveryFailure,
  parseWebhookIds,
} from "../../src/reconcile/delivery-failures.js";

describe("parseWebhookIds", () => {
  it.each([
    ["whoA1", ["whoA1"]],
    ["whoA1,whoB2", ["whoA1", "whoB2"]],
    ["whoA1, whoB2 ,whoA1", ["whoA1", "whoB2"]],
    [
      ["whoA1", "whoB2"],
      ["whoA1", "whoB2"],
    ],
    [
      ["whoA1,whoB2", ["whoC3"]],
      ["whoA1", "whoB2", "whoC3"],
    ],
    ['["whoA1","whoB2"]', ["whoA1", "whoB2"]],
    [[{ id: "whoA1" }], ["whoA1"]],
    [null, []],
    [undefined, []],
    ["", []],
    [42, []],
  ])("reads %j", (value, ids) => {
    expect(parseWebhookIds(value)).toEqual(ids);
  });
});

describe("parseDeliveryFailure", () => {
  const event: LogEvent = {
    uuid: "f-1",
    published: "2026-11-20T14:00:03.000Z",
    eventType: "event_hook.delivery",
    displayMessage: "Event hook delivery failed",
    outcome: { result: "FAILURE", reason: "Hook timed out" },
    target: [{ id: "whoAbc123", type: "EventHook", displayName: "dev" }],
    debugContext: {
      debugData: {
        webhooks: "whoAbc123,whoOther9",
        httpStatus: "504",
        somethingNew: { nested: true },
      },
    },
  };

  it("keeps displayMessage, outcome, targets and every debugData key as found", () => {
    const failure = parseDeliveryFailure(event);
    expect(failure).toEqual({
      uuid: "f-1",
      published: "2026-11-20T14:00:03.000Z",
      displayMessage: "Event hook delivery failed",
      outcome: { result: "FAILURE", reason: "Hook timed out" },
      target: event.target,
      debugData: {
        webhooks: "whoAbc123,whoOther9",
        httpStatus: "504",
        somethingNew: { nested: true },
      },
      hookIds: ["whoAbc123", "whoOther9"],
    });
  });

  it("survives a bare event with nulls everywhere", () => {
    const bare = parseDeliveryFailure({
      eventType: "event_hook.delivery",
      outcome: null,
      target: null,
      debugContext: null,
    });
    expect(bare).toMatchObject({
      uuid: null,
      outcome: null,
      target: [],
      debugData: {},
      hookIds: [],
    });
  });

  it("attributes failures to a hook, keeping unattributed ones", () => {
    const failure = parseDeliveryFailure(event);
    expect(failureConcernsHook(failure, event, "whoAbc123")).toBe(true);
    expect(failureConcernsHook(failure, event, "whoZzz")).toBe(false);
    const anon: LogEvent = { eventType: "event_hook.delivery", displayMessage: "failed" };
    expect(failureConcernsHook(parseDeliveryFailure(anon), anon, "whoZzz")).toBe(true);
    const mention: LogEvent = {
      eventType: "event_hook.delivery",
      debugContext: { debugData: { url: "/api/v1/eventHooks/whoZzz" } },
    };
    expect(failureConcernsHook(parseDeliveryFailure(mention), mention, "whoZzz")).toBe(true);
  });
});
