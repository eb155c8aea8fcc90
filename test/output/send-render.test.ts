import { describe, expect, it } from "vitest";
import type { CliContext } from "../../src/commands/context.js";
import { readEnv } from "../../src/config.js";
import type { JudgedSendResult } from "../../src/fixtures/send.js";
import type { OktaEventHookEnvelope } from "../../src/okta/hook-types.js";
import { sendPrinter } from "../../src/output/send-render.js";

function capture(): { ctx: CliContext; out: () => string } {
  let text = "";
  const stdout = {
    isTTY: false,
    write: (s: string) => {
      text += s;
      return true;
    },
  };
  const ctx = { env: readEnv({ NO_COLOR: "1" }), stdout } as unknown as CliContext;
  return { ctx, out: () => text };
}

function envelope(...types: string[]): OktaEventHookEnvelope {
  return {
    eventId: "e1",
    data: { events: types.map((eventType, i) => ({ uuid: `u${i}`, eventType })) },
  } as unknown as OktaEventHookEnvelope;
}

const refused: JudgedSendResult = {
  status: null,
  durationMs: 22,
  error: "connection refused (127.0.0.1:8787)",
  verdict: "would-retry",
  reason: "connection refused (127.0.0.1:8787), Okta retries once",
};
const accepted: JudgedSendResult = {
  status: 200,
  durationMs: 1234,
  error: null,
  verdict: "accepted",
  reason: "2xx within 3 s",
};

describe("send fixture lines", () => {
  it("say a network error once, with — in the status column, and keep the columns aligned", () => {
    const { ctx, out } = capture();
    const p = sendPrinter(ctx, { json: false, url: "http://127.0.0.1:8787/okta/events" });
    p.delivery({ envelope: envelope("user.lifecycle.create"), result: refused, copy: 0 });
    p.delivery({ envelope: envelope("user.account.lock"), result: accepted, copy: 0 });
    p.delivery({
      envelope: envelope("group.user_membership.add", "user.lifecycle.create"),
      result: { ...refused, error: "no answer within 3.5 s", reason: "over Okta's 3 s limit" },
      copy: 0,
    });
    const lines = out().split("\n").slice(1, 4);
    expect(lines[0]).toBe(
      "↻ —      22ms  would retry  user.lifecycle.create         connection refused (127.0.0.1:8787), Okta retries once",
    );
    expect(lines[0]!.split("connection refused")).toHaveLength(2);
    expect(lines[1]).toBe(
      "✓ 200    1.2s  accepted     user.account.lock             2xx within 3 s",
    );
    // a timeout's error is not in its reason: both are said
    expect(lines[2]).toBe(
      "↻ —      22ms  would retry  group.user_membership.add +1  no answer within 3.5 s, over Okta's 3 s limit",
    );
  });
});
