import { describe, expect, it } from "vitest";
import type { CliContext } from "../../src/commands/context.js";
import { readEnv } from "../../src/config.js";
import { replayRenderer } from "../../src/output/replay-render.js";
import type { PreparedReplay, ReplayResult, ReplaySummary } from "../../src/replay/types.js";
import type { DeliveryRow } from "../../src/store/types.js";

function ctxWith(isTTY: boolean): { ctx: CliContext; out: () => string } {
  let text = "";
  const stream = {
    isTTY,
    write: (s: string) => {
      text += s;
      return true;
    },
  };
  const ctx = {
    env: readEnv({ NO_COLOR: "1" }),
    stdout: stream,
    stderr: stream,
    signal: new AbortController().signal,
    ownSignals: () => {},
  } as unknown as CliContext;
  return { ctx, out: () => text };
}

const original = { id: "01m8440b63dxjg4e6bsfxc25s1", seq: 1 } as DeliveryRow;
const result = (ok: boolean): ReplayResult => ({
  replayOf: original,
  deliverySeq: 1,
  deliveryId: original.id,
  edited: false,
  eventCount: 2,
  firstEventType: "user.lifecycle.create",
  target: "http://127.0.0.1:3000/hook",
  attempt: 2,
  status: ok ? 200 : 500,
  ok,
  network: false,
  interrupted: false,
  error: null,
  durationMs: 12,
  slow: false,
  startedAt: 0,
});

describe("replay output", () => {
  it("prints plain lines and a summary without a TTY", () => {
    const { ctx, out } = ctxWith(false);
    const r = replayRenderer({ ctx, json: false, total: 2, dryRun: false });
    const s: ReplaySummary = {
      total: 2,
      done: 0,
      accepted: 0,
      rejected: 0,
      unreachable: 0,
      interrupted: false,
    };
    r.result(result(true), { ...s, done: 1, accepted: 1 });
    r.result(result(false), { ...s, done: 2, accepted: 1, rejected: 1 });
    r.done({ ...s, done: 2, accepted: 1, rejected: 1 });
    expect(out().split("\n")).toEqual([
      "✓  200  sfxc25s1  user.lifecycle.create +1        12ms  → http://127.0.0.1:3000/hook",
      "✗  500  sfxc25s1  user.lifecycle.create +1        12ms  → http://127.0.0.1:3000/hook",
      "Replayed 2 deliveries: 1 accepted, 1 not accepted.",
      "",
    ]);
    expect(out()).not.toContain("\u001b[");
  });

  it("lines up the columns whatever the event type, status or duration", () => {
    const { ctx, out } = ctxWith(false);
    const r = replayRenderer({ ctx, json: false, total: 3, dryRun: false });
    const s = { total: 3, done: 1, accepted: 1, rejected: 0, unreachable: 0, interrupted: false };
    r.result({ ...result(true), firstEventType: "user.account.lock", eventCount: 1 }, s);
    r.result({ ...result(true), durationMs: 1234.5 }, s);
    r.result(
      { ...result(false), status: null, network: true, error: "connection refused", durationMs: 3 },
      s,
    );
    r.done({ ...s, done: 3 });
    const lines = out().split("\n").slice(0, 3);
    const arrows = lines.map((l) => [...l].indexOf("→"));
    expect(new Set(arrows).size).toBe(1);
    expect(lines[2]).toMatch(/^✗ {2}— {4}sfxc25s1 /);
  });

  it("draws the bar with the count that includes the line just printed above it", async () => {
    const { ctx, out } = ctxWith(true);
    const r = replayRenderer({ ctx, json: false, total: 3, dryRun: false });
    const s = { total: 3, done: 1, accepted: 1, rejected: 0, unreachable: 0, interrupted: false };
    // output is written once per event-loop turn
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const bar = () => out().split("\r\u001b[2K").at(-1);
    r.result(result(true), s);
    await turn();
    expect(out()).toContain("sfxc25s1");
    expect(bar()).toMatch(/^█+░+ 1\/3 {2}33% {2}✓ 1 ✗ 0$/);
    r.result(result(true), { ...s, done: 2, accepted: 2 });
    await turn();
    expect(bar()).toMatch(/^█+░+ 2\/3 {2}66% {2}✓ 2 ✗ 0$/);
  });

  it("prints no summary on Ctrl+C: the results stay on stdout, the stop is said once on stderr", () => {
    const { ctx, out } = ctxWith(false);
    const r = replayRenderer({ ctx, json: false, total: 10, dryRun: false });
    const s = { total: 10, done: 1, accepted: 1, rejected: 0, unreachable: 0, interrupted: false };
    r.result(result(true), s);
    r.done({ ...s, interrupted: true });
    expect(out().split("\n")).toHaveLength(2);
    expect(out()).not.toMatch(/interrupted/i);
  });

  it("draws a progress bar under the lines on a TTY and clears it for the summary", () => {
    const { ctx, out } = ctxWith(true);
    const r = replayRenderer({ ctx, json: false, total: 2, dryRun: false });
    const s: ReplaySummary = {
      total: 2,
      done: 2,
      accepted: 2,
      rejected: 0,
      unreachable: 0,
      interrupted: false,
    };
    r.result(result(true), { ...s, done: 1, accepted: 1 });
    r.result(result(true), s);
    r.done(s);
    expect(out()).toMatch(/█+ 2\/2 100%/);
    expect(out().endsWith("\r\u001b[2KReplayed 2 deliveries: all accepted (2xx).\n")).toBe(true);
  });

  it("never prints the secret in a dry run, as text or JSON", () => {
    const plan = {
      original,
      method: "POST",
      url: "http://127.0.0.1:3000/hook",
      headers: { "content-type": "application/json", "x-hook-key": "TOPSECRET" },
      authHeader: "x-hook-key",
      body: Buffer.from("{}"),
      edited: false,
      events: [],
      envelopeEventId: null,
      attempt: 1,
      targetSource: "to",
    } satisfies PreparedReplay;
    for (const json of [false, true]) {
      const { ctx, out } = ctxWith(false);
      const render = replayRenderer({ ctx, json, total: 1, dryRun: true });
      render.plan(plan);
      const summary = { total: 1, done: 1, accepted: 0, rejected: 0, unreachable: 0 };
      render.done({ ...summary, interrupted: false });
      expect(out()).toContain("[secret]");
      expect(out()).not.toContain("TOPSECRET");
    }
  });
});
