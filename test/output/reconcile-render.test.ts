import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/config.js";
import { oktaWaitText } from "../../src/output/okta-wait.js";
import { progressLine } from "../../src/output/reconcile-progress.js";
import { reconcileJson, reconcileText } from "../../src/output/reconcile-render.js";
import { diffEvents, type LocalEventRow } from "../../src/reconcile/diff.js";
import type { ReconcileResult } from "../../src/reconcile/run.js";

const env = readEnv({ NO_COLOR: "1" });
const P = Date.parse("2026-11-20T14:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

async function result(
  rows: LocalEventRow[],
  remoteCount: number,
  maxDetails?: number,
  strict?: boolean,
) {
  const remote = Array.from({ length: remoteCount }, (_, i) => ({
    uuid: `u${i}`,
    eventType: "user.lifecycle.create",
    published: iso(P + i),
    displayMessage: "Create Okta user",
  }));
  const report = await diffEvents({
    remote: [remote],
    local: { byUuid: (u) => rows.filter((r) => r.uuid === u), inWindow: () => rows },
    maxDetails,
    strict,
  });
  const r: ReconcileResult = {
    org: "https://dev-123.okta.com",
    window: { since: iso(P - 7_200_000), until: iso(P + 60_000), localSince: iso(P - 7_200_000) },
    selection: { source: "received", types: ["user.lifecycle.create"] },
    queries: ['eventType eq "user.lifecycle.create"'],
    hookId: null,
    hookFrom: null,
    pages: 1,
    events: remoteCount,
    warnings: [],
    report,
    backfill: null,
  };
  return r;
}

const row = (uuid: string, receivedAt: number, deliveryId: string): LocalEventRow => ({
  uuid,
  eventType: "user.lifecycle.create",
  published: iso(P),
  receivedAt,
  deliveryId,
});

describe("reconcile report rendering", () => {
  it("says in sync when clean", async () => {
    const text = reconcileText(
      await result([row("u0", P + 10, "01j00000000000000000abcdefgh")], 1),
      {
        stream: {},
        env,
      },
    );
    expect(text).toMatch(/^Okta https:\/\/dev-123.okta.com · System Log/);
    expect(text).toContain(
      "Compared: the 1 event type received in the window (user.lifecycle.create); a type that never arrived is not checked (pass --hook-id or --event-type)",
    );
    expect(text).toMatch(
      /✓ In sync: the 1 System Log event in the window was received once, on time\.\n$/,
    );
    expect(text).not.toContain("\u001b[");
  });

  it("puts the summary and per-type table first, then capped details with okhook show ids", async () => {
    const rows = [
      row("u0", P + 10, "01j00000000000000000dupone01"),
      row("u0", P + 20, "01j00000000000000000duptwo02"),
    ];
    const r = await result(rows, 30, 5);
    const text = reconcileText(r, { stream: {}, env, maxDetails: 5 });
    const order = ["missing", "EVENT TYPE", "Missing —", "Duplicated —", "✗ Not in sync"].map((s) =>
      text.indexOf(s),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toMatch(/missing\s+29\n/);
    expect(text).toMatch(/Missing — in the System Log, never received \(29, first 5\):/);
    expect(text).toContain("okhook show dupone01 duptwo02");
    // the duplicate is reported, not counted
    expect(text).toMatch(
      /✗ Not in sync: 29 missing\. Send the 29 missing events with --replay-missing\.\n$/,
    );
    const doc = JSON.parse(reconcileJson(r));
    expect(Object.keys(doc)[0]).toBe("inSync");
    expect(doc.counts.missing).toBe(29);
  });

  it("says in sync with a duplicate, noting it; --strict counts it", async () => {
    const rows = [
      row("u0", P + 10, "01j00000000000000000dupone01"),
      row("u0", P + 20, "01j00000000000000000duptwo02"),
    ];
    const text = reconcileText(await result(rows, 1), { stream: {}, env });
    expect(text).toMatch(/duplicated\s+1\n/);
    expect(text).toMatch(
      /✓ In sync: the 1 System Log event in the window was received\. Also reported: 1 duplicated \(Okta delivers at least once\) \(--strict counts these\)\.\n$/,
    );
    const strict = reconcileText(await result(rows, 1, undefined, true), { stream: {}, env });
    expect(strict).toMatch(
      /✗ Not in sync \(--strict\): 1 duplicated \(Okta delivers at least once\)\.\n$/,
    );
  });

  it("lines up detail rows whatever the event type, and counts in the singular for one", async () => {
    const r = await result([], 0);
    const types = ["user.lifecycle.create", "user.account.lock", "group.user_membership.add"];
    const remote = types.map((eventType, i) => ({
      uuid: `00000000-0000-4000-8000-00000000000${i}`,
      eventType,
      published: iso(P + i),
      displayMessage: "msg",
    }));
    r.report = await diffEvents({
      remote: [remote],
      local: { byUuid: () => [], inWindow: () => [] },
    });
    r.events = 3;
    r.backfill = {
      events: 3,
      acceptedEvents: 2,
      failedDeliveries: 1,
      targets: [],
      deliveries: [
        {
          deliveryId: "01j00000000000000000backfil1",
          target: "http://127.0.0.1:3000/hook",
          uuids: ["a", "b"],
          status: 200,
          durationMs: 12,
          error: null,
          verdict: "accepted",
          reason: "2xx within 3 s",
          storedBy: "okhook",
        },
        {
          deliveryId: "01j00000000000000000backfil2",
          target: "http://127.0.0.1:3000/hook",
          uuids: ["c"],
          status: null,
          durationMs: 3,
          error: "connection refused (127.0.0.1:3000)",
          verdict: "would-retry",
          reason: "connection refused (127.0.0.1:3000), Okta retries once",
          storedBy: "okhook",
        },
      ],
    };
    const lines = reconcileText(r, { stream: {}, env }).split("\n");
    const details = lines.filter((l) => /^ {2}2026-/.test(l));
    expect(details).toHaveLength(3);
    expect(new Set(details.map((l) => l.indexOf("00000000-")))).toHaveProperty("size", 1);
    const sent = lines.filter((l) => /^ {2}[✓✗] /.test(l));
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((l) => l.indexOf("okhook show")))).toHaveProperty("size", 1);
    expect(sent[1]).toMatch(/^ {2}✗ — /);
    expect(sent[1]!.split("connection refused")).toHaveLength(2);
    const text = lines.join("\n");
    expect(text).toContain("Backfill: 3 missing events sent in 2 deliveries:");
    expect(text).toContain(" 1 event  ");
    expect(text).toContain("2 of 3 events accepted");
    expect(text).not.toMatch(/\b1 events\b|\b1 deliveries\b/);
  });

  it("draws progress on a TTY, and clears it", () => {
    const written: string[] = [];
    const tty = progressLine({ isTTY: true, write: (s: string) => written.push(s) }, env, () => 0);
    tty.update({ type: "query", index: 1, total: 2 });
    tty.update({ type: "page", pages: 3, events: 3000 });
    tty.update({ type: "wait", wait: RATE_LIMITED });
    tty.done();
    expect(written.join("")).toContain(
      "System Log: 3 pages, 3,000 events — rate limited by Okta (429) on /api/v1/logs: waiting 41 s (X-Rate-Limit-Reset)",
    );
    expect(written.at(-1)).toBe("\r\x1b[2K");
  });

  it("outside a TTY says every wait on a line of its own, and nothing else", () => {
    const piped: string[] = [];
    const plain = progressLine({ isTTY: false, write: (s: string) => piped.push(s) }, env);
    plain.update({ type: "query", index: 1, total: 1 });
    plain.update({ type: "page", pages: 1, events: 1 });
    plain.update({ type: "wait", wait: RATE_LIMITED });
    plain.update({ type: "wait", wait: RETRY });
    // a short pause spreading the last of the quota is not worth a line; a long one is
    plain.update({ type: "wait", wait: { ...PACING, waitMs: 300 } });
    plain.update({ type: "wait", wait: { ...PACING, waitMs: 12_000 } });
    plain.done();
    expect(piped).toEqual([
      "okhook: rate limited by Okta (429) on /api/v1/logs: waiting 41 s (X-Rate-Limit-Reset)\n",
      "okhook: Okta answered 503 on /api/v1/logs: retry 2/3 in 4.0 s\n",
      "okhook: Okta rate limit nearly used up on /api/v1/logs: pausing 12 s before the next request (X-Rate-Limit-Remaining)\n",
    ]);
  });
});

describe("oktaWaitText", () => {
  it("names a backoff without a usable reset, and a retry after no answer", () => {
    expect(oktaWaitText({ ...RATE_LIMITED, basis: "backoff", attempt: 2, waitMs: 1500 })).toBe(
      "rate limited by Okta (429) on /api/v1/logs: waiting 1.5 s (no usable X-Rate-Limit-Reset, backing off; wait 2/5)",
    );
    const dropped = { ...RETRY, status: undefined, reason: "socket hang up", attempt: 1 };
    expect(oktaWaitText(dropped)).toBe(
      "Okta did not answer on /api/v1/logs (socket hang up): retry 1/3 in 4.0 s",
    );
  });
});

const RATE_LIMITED = {
  type: "rate-limit-wait",
  reason: "429",
  waitMs: 41_000,
  path: "/api/v1/logs",
  basis: "reset",
  attempt: 1,
  maxAttempts: 5,
} as const;
const RETRY = {
  type: "retry",
  attempt: 2,
  maxRetries: 3,
  waitMs: 4000,
  reason: "HTTP 503",
  status: 503,
  path: "/api/v1/logs",
} as const;
const PACING = {
  type: "rate-limit-wait",
  reason: "low-remaining",
  waitMs: 300,
  path: "/api/v1/logs",
  basis: "reset",
} as const;
