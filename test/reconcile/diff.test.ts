import { describe, expect, it } from "vitest";
import type { LogEvent } from "../../src/okta/types.js";
import { diffEvents, type LocalEventRow, type LocalEvents } from "../../src/reconcile/diff.js";

const P = Date.parse("2026-11-20T14:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** An in-memory LocalEvents, as the store will provide it. */
function memoryLocal(rows: LocalEventRow[]): LocalEvents {
  const byUuid = new Map<string, LocalEventRow[]>();
  for (const row of rows) byUuid.set(row.uuid, [...(byUuid.get(row.uuid) ?? []), row]);
  return { byUuid: (uuid) => byUuid.get(uuid) ?? [], inWindow: () => rows };
}

function logEvent(uuid: string, eventType: string, offsetMs = 0): LogEvent {
  return { uuid, eventType, published: iso(P + offsetMs), displayMessage: `msg ${uuid}` };
}

function row(
  uuid: string,
  eventType: string,
  receivedAt: number | string,
  deliveryId: string,
  offsetMs = 0,
): LocalEventRow {
  return { uuid, eventType, published: iso(P + offsetMs), receivedAt, deliveryId };
}

const CREATE = "user.lifecycle.create";
const ADD = "group.user_membership.add";

describe("diffEvents", () => {
  const remote: LogEvent[][] = [
    [logEvent("ok", CREATE), logEvent("missing", CREATE, 1000), logEvent("twice", ADD, 2000)],
    [
      logEvent("late", CREATE, 3000),
      {
        uuid: "fail-1",
        eventType: "event_hook.delivery",
        published: iso(P + 4000),
        displayMessage: "Event hook delivery failed",
        outcome: { result: "FAILURE", reason: "Hook timed out" },
        target: [{ id: "whoHook1", type: "EventHook" }],
        debugContext: { debugData: { webhooks: "whoHook1" } },
      },
      { uuid: "ver-1", eventType: "event_hook.verified", published: iso(P + 5000) },
      {
        ...logEvent("missing-2", CREATE, 6000),
        debugContext: { debugData: { webhooks: ["whoHook1", "whoHook2"] } },
      },
    ],
  ];
  const local = memoryLocal([
    row("ok", CREATE, iso(P + 500), "d1"),
    row("twice", ADD, P + 2500, "d2", 2000),
    row("twice", ADD, P + 5500, "d3", 2000),
    row("late", CREATE, P + 3000 + 120_000, "d4", 3000),
    row("stray", CREATE, P + 100, "d5", 50),
  ]);

  it("sorts events into missing, duplicated, unexpected, late and delivery failures", async () => {
    const report = await diffEvents({ remote, local });
    expect(report.inSync).toBe(false);
    expect(report.counts).toEqual({
      inLog: 5,
      received: 4,
      missing: 2,
      duplicated: 1,
      unexpected: 1,
      late: 1,
      deliveryFailures: 1,
    });
    expect(report.missing).toEqual([
      {
        uuid: "missing",
        eventType: CREATE,
        published: iso(P + 1000),
        displayMessage: "msg missing",
        hookIds: [],
      },
      {
        uuid: "missing-2",
        eventType: CREATE,
        published: iso(P + 6000),
        displayMessage: "msg missing-2",
        hookIds: ["whoHook1", "whoHook2"],
      },
    ]);
    expect(report.duplicated).toEqual([
      {
        uuid: "twice",
        eventType: ADD,
        published: iso(P + 2000),
        displayMessage: "msg twice",
        receivedCount: 2,
        deliveryIds: ["d2", "d3"],
        inLog: true,
      },
    ]);
    expect(report.unexpected).toEqual([
      {
        uuid: "stray",
        eventType: CREATE,
        published: iso(P + 50),
        displayMessage: null,
        receivedCount: 1,
        deliveryIds: ["d5"],
        firstReceivedAt: iso(P + 100),
      },
    ]);
    expect(report.late).toEqual([
      {
        uuid: "late",
        eventType: CREATE,
        published: iso(P + 3000),
        displayMessage: "msg late",
        receivedAt: iso(P + 123_000),
        delayMs: 120_000,
        deliveryId: "d4",
      },
    ]);
    expect(report.deliveryFailures).toMatchObject([
      { uuid: "fail-1", hookIds: ["whoHook1"], outcome: { reason: "Hook timed out" } },
    ]);
    expect(report.byEventType).toEqual({
      [CREATE]: { inLog: 4, received: 3, missing: 2, duplicated: 0, unexpected: 1, late: 1 },
      [ADD]: { inLog: 1, received: 1, missing: 0, duplicated: 1, unexpected: 0, late: 0 },
    });
  });

  it("takes a threshold, an event-type selection, a hook id and a detail cap", async () => {
    const report = await diffEvents({
      remote,
      local,
      lateThresholdMs: 200_000,
      includeEventType: (t) => t === CREATE,
      hookId: "whoOther",
      maxDetails: 1,
    });
    expect(report.counts).toMatchObject({
      inLog: 4,
      missing: 2,
      duplicated: 0,
      late: 0,
      unexpected: 1,
      deliveryFailures: 0,
    });
    expect(report.missing).toHaveLength(1);
    expect(report.truncated).toBe(true);
    expect(report.byEventType[ADD]).toBeUndefined();
  });

  it("reports in sync when every event arrived once and on time", async () => {
    const events = [logEvent("a", CREATE), logEvent("b", ADD, 10)];
    async function* stream() {
      for (const e of events) yield e;
    }
    const report = await diffEvents({
      remote: stream(),
      local: memoryLocal([row("a", CREATE, P + 59_000, "d1"), row("b", ADD, P + 10, "d2", 10)]),
    });
    expect(report.inSync).toBe(true);
    expect(report.counts).toMatchObject({ inLog: 2, received: 2, missing: 0, late: 0 });
  });

  it("is in sync with duplicates, late events and delivery failures (reported), but not under strict", async () => {
    const events = [logEvent("twice", CREATE), logEvent("late", ADD, 10)];
    const failure: LogEvent = {
      uuid: "fail-1",
      eventType: "event_hook.delivery",
      published: iso(P + 20),
      target: [{ id: "whoHook1", type: "EventHook" }],
    };
    const rows = [
      row("twice", CREATE, P + 100, "d1"),
      row("twice", CREATE, P + 200, "d2"),
      row("late", ADD, P + 300_000, "d3", 10),
    ];
    const lenient = await diffEvents({
      remote: [[...events, failure]],
      local: memoryLocal(rows),
      hookId: "whoHook1",
    });
    expect(lenient.counts).toMatchObject({ duplicated: 1, late: 1, deliveryFailures: 1 });
    expect(lenient).toMatchObject({ inSync: true, strict: false, problems: 0 });
    const strict = await diffEvents({
      remote: [[...events, failure]],
      local: memoryLocal(rows),
      hookId: "whoHook1",
      strict: true,
    });
    expect(strict).toMatchObject({ inSync: false, strict: true, problems: 3 });
    const missing = await diffEvents({
      remote: [[logEvent("lost", CREATE)]],
      local: memoryLocal([]),
    });
    expect(missing).toMatchObject({ inSync: false, problems: 1 });
  });

  it("counts a duplicated event outside the log as unexpected and duplicated", async () => {
    const report = await diffEvents({
      remote: [[]],
      local: memoryLocal([row("x", CREATE, P, "d1"), row("x", CREATE, P + 1, "d2")]),
    });
    expect(report.counts).toMatchObject({ unexpected: 1, duplicated: 1, received: 1 });
    expect(report.duplicated[0]).toMatchObject({
      uuid: "x",
      inLog: false,
      deliveryIds: ["d1", "d2"],
    });
  });

  it("never calls a backfill late, and hands every missing event whole to onMissing", async () => {
    const spooled: LogEvent[] = [];
    const events = [logEvent("backfilled", CREATE), logEvent("lost", CREATE, 10)];
    const report = await diffEvents({
      remote: [events],
      local: memoryLocal([{ ...row("backfilled", CREATE, P + 3_600_000, "b1"), backfill: true }]),
      onMissing: (e) => spooled.push(e),
      maxDetails: 0,
    });
    expect(report.counts).toMatchObject({ received: 1, late: 0, missing: 1 });
    expect(spooled).toEqual([events[1]]);
    const both = await diffEvents({
      remote: [[logEvent("x", CREATE)]],
      local: memoryLocal([
        { ...row("x", CREATE, P + 500, "b1"), backfill: true },
        row("x", CREATE, P + 120_000, "d1"),
      ]),
    });
    expect(both.counts).toMatchObject({ duplicated: 1, late: 1 });
    expect(both.late[0]!.deliveryId).toBe("d1");
  });

  it("reads full rows back only for the events it reports", async () => {
    const N = 5000;
    const rows = Array.from({ length: N }, (_, i) => row(`u${i}`, CREATE, P + 1000, `d${i}`));
    rows.push(row("u1", CREATE, P + 9000, "again"));
    rows.push(row("u2", CREATE, P + 120_000, "late-copy"));
    rows[3] = row("u3", CREATE, P + 120_000, "d3");
    rows.push(row("local-only", ADD, P + 1000, "stray"));
    const inner = memoryLocal(rows);
    const asked: string[] = [];
    const local: LocalEvents = {
      byUuid: (uuid) => {
        asked.push(uuid);
        return inner.byUuid(uuid);
      },
      inWindow: () => inner.inWindow(),
    };
    const remote = [Array.from({ length: N }, (_, i) => logEvent(`u${i}`, CREATE))];
    remote[0]!.push(logEvent("gone", CREATE), logEvent("u5", CREATE));
    const report = await diffEvents({ remote, local });
    expect(report.counts).toMatchObject({
      inLog: N + 1,
      received: N + 1,
      missing: 1,
      duplicated: 2,
      late: 1,
      unexpected: 1,
    });
    // u1 and u2 twice (both are duplicates; u2's first copy is on time), u3 late.
    expect(report.late.map((e) => e.deliveryId)).toEqual(["d3"]);
    expect(asked.sort()).toEqual(["gone", "local-only", "u1", "u2", "u3"]);
  });

  it("streams a large log without keeping events", async () => {
    const N = 100_000;
    function* pages() {
      for (let p = 0; p < N / 1000; p++) {
        yield Array.from({ length: 1000 }, (_, i) => logEvent(`u${p * 1000 + i}`, CREATE));
      }
    }
    const seen: LocalEvents = {
      byUuid: (uuid) => (uuid.endsWith("7") ? [] : [row(uuid, CREATE, P + 1000, `d-${uuid}`)]),
      inWindow: () => [],
    };
    const report = await diffEvents({ remote: pages(), local: seen, maxDetails: 10 });
    expect(report.counts.inLog).toBe(N);
    expect(report.counts.missing).toBe(N / 10);
    expect(report.missing).toHaveLength(10);
  });
});
