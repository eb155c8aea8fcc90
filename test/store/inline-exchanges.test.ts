import { afterEach, describe, expect, it } from "vitest";
import type { NewInlineExchange } from "../../src/store/types.js";
import { inlineLines } from "../../src/ui/detail-lines.js";
import { rowLayout, rowLine } from "../../src/ui/row-format.js";
import { closeStores, seedDelivery, tempStore } from "../helpers/seed-store.js";
import { cleanupTmp } from "../helpers/tmp.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

const exchange = (seq: number, over: Partial<NewInlineExchange> = {}): NewInlineExchange => ({
  deliverySeq: seq,
  kind: "relay",
  inlineType: "token",
  target: "http://127.0.0.1:3000/okta/token",
  startedAt: Date.parse("2026-11-20T14:00:00Z"),
  elapsedMs: 41,
  status: 200,
  error: null,
  timedOut: false,
  answer: Buffer.from('{"commands":[]}'),
  answerSize: 15,
  answerType: "application/json",
  replyStatus: 200,
  fallback: null,
  applied: true,
  outcome: "default",
  okta: "Okta issues the original token",
  basis: "documented",
  retried: false,
  problems: [],
  redacted: null,
  ...over,
});

describe("inline exchanges in the store", () => {
  it("records answers in order and keeps the request row's verdict columns on the latest", () => {
    const { store } = tempStore();
    const { seq } = seedDelivery(store, [], { kind: "inline" });
    store.inline.add(exchange(seq));
    const problems = [
      { level: "error" as const, message: 'unknown command type "x"', at: "commands[0].type" },
    ];
    store.inline.add(
      exchange(seq, {
        kind: "replay",
        applied: false,
        outcome: "invalid",
        okta: "Okta drops every change",
        problems,
      }),
    );
    const xs = store.inline.of(seq);
    expect(xs.map((x) => [x.kind, x.applied, x.problems])).toEqual([
      ["relay", true, []],
      ["replay", false, problems],
    ]);
    expect(xs[0]!.answer!.toString()).toBe('{"commands":[]}');
    expect(store.deliveries.bySeq(seq)).toMatchObject({
      kind: "inline",
      inlineOutcome: "invalid",
      inlineApplied: false,
    });
    // event deliveries are untouched by the new columns
    const other = seedDelivery(store, []);
    expect(store.deliveries.bySeq(other.seq)).toMatchObject({
      inlineOutcome: null,
      inlineApplied: null,
    });
  });

  it("the TUI shows the verdict in the row and each answer with its findings in the detail", () => {
    const { store } = tempStore();
    const { seq } = seedDelivery(store, [], { kind: "inline" });
    store.deliveries.setInlineAnswer(seq, {
      state: "forwarded",
      appStatus: 200,
      appMs: 41,
      error: null,
      reason: "Okta drops every change",
    });
    store.inline.add(
      exchange(seq, {
        applied: false,
        outcome: "invalid",
        okta: "Okta drops every change",
        problems: [{ level: "error", message: "bad op" }],
      }),
    );
    const row = {
      ...store.deliveries.bySeq(seq)!,
      firstEventType: "com.okta.oauth2.tokens.transform",
    };
    const text = rowLine(row, rowLayout(120), { selected: false, replayed: false })
      .map((s) => s.text)
      .join("");
    expect(text).toContain("token hook ✗ not applied Okta drops every change");
    const lines = inlineLines(store.inline.of(seq)).map((l) => l.map((s) => s.text).join(""));
    expect(lines).toEqual([
      expect.stringMatching(
        /^→ relay {2}200 41ms {2}\d\d:\d\d:\d\d\.\d{3} {2}http:\/\/127\.0\.0\.1:3000\/okta\/token$/,
      ),
      "   NOT APPLIED Okta drops every change",
      "   ✗ bad op",
      '   answer {"commands":[]}',
    ]);
  });
});
