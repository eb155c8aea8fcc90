import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WaitEngine } from "../../src/wait/engine.js";
import { parseMatchArg } from "../../src/wait/match.js";
import type { ForwardInfo, WaitRow, WaitSpec } from "../../src/wait/types.js";

type Ev = { uuid: string; eventType: string; outcome?: { result: string }; target?: unknown[] };

const PENDING: ForwardInfo = { state: "pending", status: null, error: null };
const FORWARDED: ForwardInfo = { state: "forwarded", status: 200, error: null };

/** A tiny store: deliveries with their events; rows() and load() as the real source gives them. */
function store(deliveries: { seq: number; events: Ev[]; forward?: ForwardInfo }[]) {
  const seen = new Set<string>();
  const rows: WaitRow[] = deliveries.map((d) => ({
    seq: d.seq,
    deliveryId: `d${d.seq}`,
    receivedAt: 1_700_000_000_000 + d.seq,
    forward: d.forward ?? PENDING,
    events: d.events.map((e, idx) => {
      const duplicate = seen.has(e.uuid);
      seen.add(e.uuid);
      return { idx, uuid: e.uuid, eventType: e.eventType, duplicate };
    }),
  }));
  const loads: number[] = [];
  const load = (seq: number) => {
    loads.push(seq);
    return deliveries.find((d) => d.seq === seq)?.events;
  };
  return { rows, load, loads };
}

function spec(o: Partial<WaitSpec> & { match?: string[] } = {}): WaitSpec {
  return {
    eventType: o.eventType ?? "user.lifecycle.*",
    conditions: (o.match ?? []).map(parseMatchArg),
    count: o.count ?? 1,
    forwarded: o.forwarded ?? false,
  };
}

const create = (uuid: string, result = "SUCCESS"): Ev => ({
  uuid,
  eventType: "user.lifecycle.create",
  outcome: { result },
});

describe("WaitEngine", () => {
  it("counts an event of the type whose conditions all hold, and ignores the rest", () => {
    const s = store([
      { seq: 1, events: [{ uuid: "g", eventType: "group.user_membership.add" }] },
      { seq: 2, events: [create("a", "SUCCESS")] },
      { seq: 3, events: [create("b", "FAILURE")] },
    ]);
    const e = new WaitEngine(spec({ match: ["outcome.result=FAILURE"] }));
    const got = e.offer(s.rows, s.load);
    expect(got.map((m) => m.uuid)).toEqual(["b"]);
    expect(got[0]).toMatchObject({ deliveryId: "d3", eventType: "user.lifecycle.create" });
    expect(got[0]!.event).toEqual(create("b", "FAILURE"));
    expect(e.done).toBe(true);
  });

  it("reads a body only for deliveries holding an event of the wanted type", () => {
    const s = store([
      { seq: 1, events: [{ uuid: "g", eventType: "group.user_membership.add" }] },
      { seq: 2, events: [create("a")] },
    ]);
    new WaitEngine(spec({ match: ["outcome.result=FAILURE"] })).offer(s.rows, s.load);
    expect(s.loads).toEqual([2]);
  });

  it("--count N needs N distinct events: a duplicate delivery of one event counts once", () => {
    const s = store([
      { seq: 1, events: [create("a")] },
      { seq: 2, events: [create("a")] },
      { seq: 3, events: [create("b"), create("c")] },
    ]);
    const e = new WaitEngine(spec({ count: 3 }));
    const first = e.offer(s.rows.slice(0, 2), s.load);
    expect(first.map((m) => m.uuid)).toEqual(["a"]);
    expect(e.done).toBe(false);
    const next = e.offer(s.rows.slice(2), s.load);
    expect(next.map((m) => m.uuid)).toEqual(["b", "c"]);
    expect(e.done).toBe(true);
  });

  it("stops counting at N even inside one batch", () => {
    const s = store([{ seq: 1, events: [create("a"), create("b"), create("c")] }]);
    const e = new WaitEngine(spec({ count: 2 }));
    expect(e.offer(s.rows, s.load)).toHaveLength(2);
  });

  it("--forwarded counts an event only once its delivery is forwarded", () => {
    const s = store([{ seq: 1, events: [create("a")], forward: PENDING }]);
    const e = new WaitEngine(spec({ forwarded: true }));
    expect(e.offer(s.rows, s.load)).toEqual([]);
    expect(e.awaitingSeqs()).toEqual([1]);
    const failed: ForwardInfo = { state: "failed", status: 500, error: null };
    expect(e.updateForward(new Map([[1, failed]]))).toEqual([]);
    expect(e.report().closest[0]).toMatchObject({ uuid: "a", forward: failed, failed: [] });
    const got = e.updateForward(new Map([[1, FORWARDED]]));
    expect(got.map((m) => m.uuid)).toEqual(["a"]);
    expect(got[0]!.forward).toEqual(FORWARDED);
    expect(e.awaitingSeqs()).toEqual([]);
    expect(e.report().closest).toEqual([]);
  });

  it("--forwarded counts at once a delivery already forwarded when first seen", () => {
    const s = store([{ seq: 1, events: [create("a")], forward: FORWARDED }]);
    const e = new WaitEngine(spec({ forwarded: true }));
    expect(e.offer(s.rows, s.load).map((m) => m.uuid)).toEqual(["a"]);
  });

  it("reports the closest misses with why, best first, and what other types came", () => {
    const s = store([
      { seq: 1, events: [{ ...create("x", "SUCCESS"), target: [{ alternateId: "kim@x" }] }] },
      { seq: 2, events: [{ ...create("y", "FAILURE"), target: [{ alternateId: "lee@x" }] }] },
      { seq: 3, events: [{ uuid: "g", eventType: "group.user_membership.add" }] },
      { seq: 4, events: [{ uuid: "h", eventType: "group.user_membership.add" }] },
      { seq: 5, events: [{ uuid: "s", eventType: "user.session.start" }] },
    ]);
    const e = new WaitEngine(
      spec({ match: ["outcome.result=FAILURE", "target[].alternateId=sam@x"] }),
    );
    expect(e.offer(s.rows, s.load)).toEqual([]);
    const r = e.report();
    expect(r).toMatchObject({ wanted: 1, counted: 0, sameType: 2, seen: 5 });
    expect(r.closest.map((m) => [m.uuid, m.held, m.of])).toEqual([
      ["y", 1, 2],
      ["x", 0, 2],
    ]);
    expect(r.closest[0]!.failed.map((f) => [f.condition.raw, f.seen])).toEqual([
      ["target[].alternateId=sam@x", ['"lee@x"']],
    ]);
    expect(r.otherTypes).toEqual([
      { eventType: "group.user_membership.add", count: 2 },
      { eventType: "user.session.start", count: 1 },
    ]);
  });

  it("keeps at most 3 near misses and a bounded set of other types, whatever arrives (property)", () => {
    const ev = fc.record({
      uuid: fc.uuid(),
      eventType: fc.constantFrom("user.lifecycle.create", "a.b", "c.d"),
      outcome: fc.record({ result: fc.constantFrom("SUCCESS", "FAILURE") }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(ev, { minLength: 1, maxLength: 4 }), { maxLength: 30 }),
        (batches) => {
          const s = store(batches.map((events, i) => ({ seq: i + 1, events })));
          const e = new WaitEngine(spec({ match: ["outcome.result=NEVER"], count: 1 }));
          e.offer(s.rows, s.load);
          const r = e.report();
          expect(r.counted).toBe(0);
          expect(r.closest.length).toBeLessThanOrEqual(3);
          expect(r.seen).toBe(batches.flat().length);
          const creates = batches.flat().filter((x) => x.eventType === "user.lifecycle.create");
          expect(r.sameType).toBe(creates.length);
        },
      ),
    );
  });

  it("the glob's * crosses dots, as in --forward-to routes", () => {
    const s = store([
      { seq: 1, events: [{ uuid: "d", eventType: "user.lifecycle.delete.initiated" }] },
    ]);
    expect(
      new WaitEngine(spec({ eventType: "user.lifecycle.*" })).offer(s.rows, s.load),
    ).toHaveLength(1);
    expect(
      new WaitEngine(spec({ eventType: "user.session.*" })).offer(s.rows, s.load),
    ).toHaveLength(0);
  });

  it("an unreadable body counts no event that needs a condition", () => {
    const s = store([{ seq: 1, events: [create("a", "FAILURE")] }]);
    const e = new WaitEngine(spec({ match: ["outcome.result=FAILURE"] }));
    expect(e.offer(s.rows, () => undefined)).toEqual([]);
    expect(e.report().closest[0]).toMatchObject({ uuid: "a", held: 0 });
  });
});
