import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import type { DeliverySummary, ForwardOutcome, SessionEvent } from "../../src/events.js";
import { clock } from "../../src/format-time.js";
import { RoutingTable } from "../../src/forward/routes.js";
import { plainRenderer, type StatusInfo, statusBlock } from "../../src/output/listen-renderer.js";
import { summary } from "../helpers/ui.js";

const info: StatusInfo = {
  version: "0.0.0",
  secret: undefined,
  secretGenerated: false,
  showSecret: false,
  authHeader: "authorization",
  targets: [],
  routes: [],
  tunnelMode: "none",
};

const T0 = Date.UTC(2026, 10, 20, 14, 2, 11, 0);

/** Delivery `seq`, received at `receivedAt`, waiting to be forwarded. */
const pending = (seq: number, receivedAt: number): DeliverySummary =>
  summary({
    seq,
    id: `01jx0000000000000000000${seq}aa`,
    receivedAt,
    ackMs: 2,
    forwardState: "pending",
  });

function outcome(
  seq: number,
  next: ForwardOutcome["next"],
  over: Partial<ForwardOutcome> = {},
): ForwardOutcome {
  return {
    seq,
    deliveryId: `01jx0000000000000000000${seq}aa`,
    target: "http://127.0.0.1:3000/",
    attempt: 1,
    status: next === "forwarded" ? 200 : 503,
    error: null,
    durationMs: 40,
    slow: false,
    next,
    ...over,
  };
}

/** Run events through a renderer whose clock is `at` ms after T0 when each event arrives. */
function render(mode: "compact" | "json", steps: [number, SessionEvent][]): string[] {
  let out = "";
  let now = T0;
  const r = plainRenderer(
    mode,
    { write: (s) => (out += s) },
    new Chalk({ level: 0 }),
    info,
    () => now,
  );
  for (const [at, e] of steps) {
    now = T0 + at;
    r(e);
  }
  return out.trimEnd().split("\n");
}

const clockOf = (line: string) => line.slice(0, 12);

describe("listen compact output", () => {
  it("prints each delivery when it is received and each forward outcome when it ends, in time order", () => {
    const lines = render("compact", [
      [0, { type: "delivery", delivery: pending(1, T0) }],
      [5, { type: "delivery", delivery: pending(2, T0 + 5) }],
      [9, { type: "forward", outcome: outcome(2, "forwarded", { durationMs: 4 }) }],
      [50, { type: "forward", outcome: outcome(1, "retry", { retryInMs: 1000 }) }],
      [1100, { type: "forward", outcome: outcome(1, "forwarded", { attempt: 2 }) }],
    ]);
    expect(lines).toHaveLength(5);
    const times = lines.map(clockOf);
    expect(times).toEqual([...times].sort());
    expect(times).toEqual([0, 5, 9, 50, 1100].map((ms) => clock(T0 + ms)));
    expect(lines[0]).toMatch(
      /delivery\s+user\.lifecycle\.create\s+auth ok\s+200\s+ack 2\.0ms\s+→ forwarding$/,
    );
    expect(lines[2]).toMatch(/↳ forwarded 200 in 4\.0ms → http:\/\/127\.0\.0\.1:3000\/$/);
    expect(lines[3]).toMatch(/↻ attempt 1: 503 in 40ms; retrying in 1\.0s/);
    expect(lines[4]).toMatch(/↳ forwarded 200 in 40ms \(attempt 2\)/);
  });

  it("says when a forward waits for a target that is down, and when it was slower than Okta allows", () => {
    const lines = render("compact", [
      [0, { type: "delivery", delivery: pending(1, T0) }],
      [
        3,
        {
          type: "forward",
          outcome: outcome(1, "parked", { status: null, error: "connection refused" }),
        },
      ],
      [
        9000,
        { type: "forward", outcome: outcome(1, "forwarded", { durationMs: 3400, slow: true }) },
      ],
    ]);
    expect(clockOf(lines[1]!)).toBe(clock(T0 + 3));
    expect(lines[1]).toMatch(/↳ queued: target down/);
    expect(clockOf(lines[2]!)).toBe(clock(T0 + 9000));
    expect(lines[2]).toMatch(/↳ forwarded 200 in 3\.4s/);
    expect(clockOf(lines[3]!)).toBe(clock(T0 + 9000));
    expect(lines[3]).toMatch(/Okta would have timed out/);
  });
});

describe("listen --output json", () => {
  it("writes receivedAt as ISO 8601 like deliveries --json and show --json", () => {
    const [line] = render("json", [[7, { type: "delivery", delivery: pending(1, T0 + 3) }]]);
    const doc = JSON.parse(line!) as { ts: string; delivery: { receivedAt: string } };
    expect(doc.ts).toBe("2026-11-20T14:02:11.007Z");
    expect(doc.delivery.receivedAt).toBe("2026-11-20T14:02:11.003Z");
  });

  it("escapes C1 and bidi characters so the NDJSON is safe on a terminal", () => {
    const d = { ...pending(1, T0), firstEventType: "x\u009b2J\u202e" };
    const [line] = render("json", [[0, { type: "delivery", delivery: d }]]);
    expect(line).toContain("x\\u009b2J\\u202e");
    expect((JSON.parse(line!) as { delivery: DeliverySummary }).delivery.firstEventType).toBe(
      d.firstEventType,
    );
  });
});

const block = (...specs: string[]) => {
  const routes = RoutingTable.parse(specs).routes.map((r) => ({
    pattern: r.pattern,
    target: r.target,
  }));
  const blockInfo: StatusInfo = {
    version: "0.0.0",
    secret: undefined,
    secretGenerated: false,
    showSecret: false,
    authHeader: "authorization",
    targets: [...new Set(routes.map((r) => r.target))],
    routes,
    tunnelMode: "none",
  };
  return statusBlock(new Chalk({ level: 0 }), blockInfo, {
    type: "listening",
    localUrl: "http://127.0.0.1:8080",
    hookUrl: "http://127.0.0.1:8080/okta/events",
    db: "/tmp/okhook.db",
    resumed: 0,
  });
};

describe("listen status block: Forward to", () => {
  it("says per target what it receives and how a mixed batch goes", () => {
    const out = block("user.lifecycle.*=localhost:3000/users", "localhost:3000/");
    // before: "user.lifecycle.* → http://localhost:3000/users, http://localhost:3000/", which
    // reads as if both targets were for that pattern
    expect(out).toContain(
      [
        "  Forward to    http://localhost:3000/users ← user.lifecycle.*",
        "                http://localhost:3000/ ← everything else",
        "                a batch goes whole (all its events, Okta's bytes) to each target one of its events routes to",
      ].join("\n"),
    );
  });

  it("shows a single catch-all target bare", () => {
    expect(block("3000")).toContain("  Forward to    http://localhost:3000/\n  Database");
  });
});

describe("listen status block: when it says it waits for deliveries", () => {
  const listening: SessionEvent = {
    type: "listening",
    localUrl: "http://127.0.0.1:8080",
    hookUrl: "http://127.0.0.1:8080/okta/events",
    db: "/tmp/okhook.db",
    resumed: 0,
  };
  const ready: SessionEvent = {
    type: "tunnel",
    state: "ready",
    publicUrl: "https://a-b-c.trycloudflare.com",
    hookUrl: "https://a-b-c.trycloudflare.com/okta/events",
  } as SessionEvent;
  const failed = {
    type: "tunnel",
    state: "failed",
    reason: "no executable cloudflared",
    fatal: true,
  } as SessionEvent;
  const hook: SessionEvent = {
    type: "hook",
    hookId: "who1",
    status: "ACTIVE",
    verificationStatus: "VERIFIED",
    detail: "created",
  };
  const run = (readyWhen: StatusInfo["readyWhen"], events: SessionEvent[]) => {
    let out = "";
    const r = plainRenderer(
      "compact",
      { write: (s) => (out += s) },
      new Chalk({ level: 0 }),
      { ...info, tunnelMode: "quick", readyWhen },
      () => T0,
    );
    for (const e of events) r(e);
    return out;
  };
  const WAITING = "Waiting for deliveries… Ctrl+C to stop.";

  it("at once when nothing else is required", () => {
    expect(run(undefined, [listening])).toMatch(/Database +\/tmp\/okhook\.db\nWaiting for/);
  });

  it("with a required tunnel: once it is up, never when it fails to start", () => {
    expect(run("tunnel", [listening])).not.toContain(WAITING);
    expect(run("tunnel", [listening, failed])).not.toContain(WAITING);
    const up = run("tunnel", [listening, ready, ready]);
    expect(up).toMatch(
      /Paste into Okta: https:\/\/a-b-c\.trycloudflare\.com\/okta\/events\nWaiting for/,
    );
    expect(up.split(WAITING)).toHaveLength(2);
  });

  it("with --register: once the hook is registered", () => {
    expect(run("hook", [listening, ready])).not.toContain(WAITING);
    expect(run("hook", [listening, ready, hook])).toMatch(/created\nWaiting for/);
  });
});
