import { afterEach, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/replay/rate.js";
import { INTERRUPTED_ERROR } from "../../src/replay/replay-one.js";
import { runReplay } from "../../src/replay/run.js";
import { resolveRefs, selectDeliveries } from "../../src/replay/select.js";
import type { ReplayResult } from "../../src/replay/types.js";
import type { Store } from "../../src/store/store.js";
import { envelope, logEvent } from "../helpers/payload.js";
import { closeStores, seedAttempt, tempStore } from "../helpers/seed-store.js";
import { closeTargets, startServer, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";
import { deliveryOf, seed } from "./seed.js";

afterEach(async () => {
  closeStores();
  await closeTargets();
  cleanupTmp();
});

function attempt(store: Store, seq: number, status: number | null, kind: "forward" | "replay") {
  const target = "http://127.0.0.1:1/hook";
  seedAttempt(store, seq, {
    kind,
    target,
    attempt: store.attempts.lastNo(seq, target) + 1,
    status,
    error: status === null ? "connection refused" : null,
  });
}

const seqsOf = (store: Store, sel: Parameters<typeof selectDeliveries>[1], page?: number) =>
  [...selectDeliveries(store, sel, page).items()].map((i) => i.seq);

describe("selection", () => {
  it("--failed: last attempt not 2xx, or none; never other kinds or replays' copies", () => {
    const { store } = tempStore();
    const [ok, failed, fixed, broke, refused, never, copy] = seed(store, 7);
    attempt(store, ok!.seq, 200, "forward");
    attempt(store, failed!.seq, 500, "forward");
    attempt(store, fixed!.seq, 500, "forward");
    attempt(store, fixed!.seq, 204, "replay");
    attempt(store, broke!.seq, 200, "forward");
    attempt(store, broke!.seq, 401, "replay");
    attempt(store, refused!.seq, null, "forward");
    void never;
    store.db.prepare("UPDATE deliveries SET kind = 'replay' WHERE seq = ?").run(copy!.seq);
    store.deliveries.insert([
      deliveryOf(envelope([logEvent("x.y")]), { kind: "invalid", status: 400 }),
    ]);

    const sel = selectDeliveries(store, { failed: true });
    expect(sel.total).toBe(4);
    expect([...sel.items()].map((i) => i.seq)).toEqual([
      failed!.seq,
      broke!.seq,
      refused!.seq,
      never!.seq,
    ]);
  });

  it("pages oldest first, filters by time and event type, and stops at the snapshot", () => {
    const { store } = tempStore();
    const users = seed(store, 5, "user.lifecycle.create");
    const groups = seed(store, 4, "group.user_membership.add");
    const all = [...users, ...groups].map((d) => d.seq);
    expect(seqsOf(store, {}, 2)).toEqual(all);
    expect(seqsOf(store, { eventTypeGlob: "group.*" }, 3)).toEqual(groups.map((d) => d.seq));
    store.db.prepare("UPDATE deliveries SET received_at = 1000 WHERE seq <= ?").run(users[1]!.seq);
    expect(seqsOf(store, { until: 1000 })).toEqual(users.slice(0, 2).map((d) => d.seq));
    expect(seqsOf(store, { since: 1001 })).toEqual(all.slice(2));

    const sel = selectDeliveries(store, {}, 2);
    const walked: number[] = [];
    for (const item of sel.items()) {
      walked.push(item.seq);
      seed(store, 1); // stored during the walk: not part of this selection
    }
    expect(walked).toEqual(all);
  });
});

describe("resolveRefs", () => {
  it("takes ids and event uuids, drops repeats, and refuses what cannot be replayed", () => {
    const { store } = tempStore();
    const a = logEvent("user.lifecycle.create");
    const b = logEvent("group.user_membership.add");
    const [batch, single] = store.deliveries.insert([
      deliveryOf(envelope([a, b])),
      deliveryOf(envelope([logEvent("user.lifecycle.activate")])),
    ]);
    const [only] = store.deliveries.events(single!.seq);
    expect(
      resolveRefs(store, [batch!.id.slice(-8), b.uuid as string, only!.uuid!, batch!.id]),
    ).toEqual([{ seq: batch!.seq }, { seq: batch!.seq, eventIdx: 1 }, { seq: single!.seq }]);

    const [verification, tooLarge] = store.deliveries.insert([
      deliveryOf(envelope([]), { method: "GET", kind: "verification" }),
      deliveryOf(envelope([]), { kind: "too_large", status: 413, body: null }),
    ]);
    expect(() => resolveRefs(store, [verification!.id])).toThrow(
      /a verification request \(GET \/okta\/events\), not a delivery/,
    );
    expect(() => resolveRefs(store, [tooLarge!.id])).toThrow(/body was not stored \(too_large\)/);
    expect(() => resolveRefs(store, ["ffffffff"])).toThrow(/"ffffffff": no delivery/);
  });
});

describe("runReplay", () => {
  it("keeps at most --concurrency sends in flight and records every attempt", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    // each answer takes 10 ms, so sends overlap whenever the pool allows it
    const server = await startServer((_req, res, self) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      self.later(() => {
        inFlight--;
        res.end("ok");
      }, 10);
    });
    const url = `${server.origin}/hook`;
    const { store } = tempStore();
    const seeded = seed(store, 40);
    const results: ReplayResult[] = [];
    const summary = await runReplay({
      store,
      items: seeded.map((d) => ({ seq: d.seq })),
      total: seeded.length,
      to: url,
      concurrency: 3,
      onResult: (r) => results.push(r),
    });
    expect(summary).toMatchObject({ total: 40, done: 40, accepted: 40, interrupted: false });
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(results).toHaveLength(40);
    for (const d of seeded) expect(store.attempts.of(d.seq).map((a) => a.kind)).toEqual(["replay"]);
  });

  it("--dry-run prepares each delivery and sends and stores nothing", async () => {
    const target = await startTarget();
    const { store } = tempStore();
    const seeded = seed(store, 3);
    const maxSeq = store.deliveries.maxSeq();
    const plans: string[] = [];
    const summary = await runReplay({
      store,
      items: seeded.map((d) => ({ seq: d.seq })),
      total: 3,
      to: target.url,
      freshIds: true,
      dryRun: true,
      onPlan: (p) => plans.push(`${p.method} ${p.url} ${p.headers["x-okhook-replay-of"]}`),
    });
    expect(summary.done).toBe(3);
    expect(plans).toEqual(seeded.map((d) => `POST ${target.url} ${d.id}`));
    expect(target.received).toHaveLength(0);
    expect(store.deliveries.maxSeq()).toBe(maxSeq);
    for (const d of seeded) expect(store.attempts.of(d.seq)).toEqual([]);
  });

  it("reports a delivery with no known target as unsent and goes on", async () => {
    const target = await startTarget();
    const { store } = tempStore();
    const [lost, found] = seed(store, 2);
    attempt(store, found!.seq, 500, "forward");
    store.db.prepare("UPDATE attempts SET target = ?").run(target.url);
    const results: ReplayResult[] = [];
    const summary = await runReplay({
      store,
      items: [{ seq: lost!.seq }, { seq: found!.seq }],
      total: 2,
      concurrency: 1,
      onResult: (r) => results.push(r),
    });
    expect(summary).toMatchObject({ done: 2, accepted: 1, rejected: 1 });
    expect(results[0]).toMatchObject({ target: null, ok: false });
    expect(results[0]!.error).toMatch(/pass --to/);
  });

  it("stops on abort: takes no new delivery and stores the interrupted attempts", async () => {
    const target = await startTarget("/hook", () => ({ status: 200, delayMs: 20_000 }));
    const { store } = tempStore();
    const seeded = seed(store, 10);
    const controller = new AbortController();
    const run = runReplay({
      store,
      items: seeded.map((d) => ({ seq: d.seq })),
      total: 10,
      to: target.url,
      concurrency: 2,
      signal: controller.signal,
    });
    await waitFor(() => target.posts().length === 2);
    controller.abort();
    const summary = await run;
    expect(summary).toMatchObject({ interrupted: true, done: 2, accepted: 0, unreachable: 0 });
    const attempts = seeded.flatMap((d) => store.attempts.of(d.seq));
    expect(attempts.map((a) => a.error)).toEqual([INTERRUPTED_ERROR, INTERRUPTED_ERROR]);
    expect(target.posts()).toHaveLength(2);
  });
});

describe("runReplay over a selection", () => {
  it("numbers attempts from what each page read, commits in batches, reports once stored", async () => {
    const target = await startTarget();
    const { store } = tempStore();
    const seeded = seed(store, 30);
    attempt(store, seeded[4]!.seq, 500, "forward");
    store.db.prepare("UPDATE attempts SET target = ?").run(target.url);
    const storedWhenReported: number[] = [];
    const run = () =>
      runReplay({
        store,
        ...selectionOf(store),
        to: target.url,
        concurrency: 8,
        onResult: (r) => storedWhenReported.push(store.attempts.of(r.deliverySeq).length),
      });
    expect(await run()).toMatchObject({ done: 30, accepted: 30 });
    expect(await run()).toMatchObject({ done: 30, accepted: 30 });
    const numbers = (seq: number) => store.attempts.of(seq).map((a) => `${a.kind} ${a.attempt}`);
    expect(numbers(seeded[0]!.seq)).toEqual(["replay 1", "replay 2"]);
    expect(numbers(seeded[4]!.seq)).toEqual(["forward 1", "replay 2", "replay 3"]);
    const sent = target.received.map(
      (r) => `${r.headers["x-okhook-delivery-id"]} ${r.headers["x-okhook-attempt"]}`,
    );
    expect(sent).toContain(`${seeded[4]!.id} 3`);
    // Every result is reported after its attempt row is committed, never before.
    expect(storedWhenReported.every((n) => n >= 1)).toBe(true);
  });

  it("aborts many sends in flight without a listener each on the signal", async () => {
    const target = await startTarget("/hook", () => ({ status: 200, delayMs: 20_000 }));
    const { store } = tempStore();
    seed(store, 40);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    const controller = new AbortController();
    try {
      const run = runReplay({
        store,
        ...selectionOf(store),
        to: target.url,
        concurrency: 16,
        signal: controller.signal,
      });
      await waitFor(() => target.posts().length === 16);
      controller.abort();
      expect(await run).toMatchObject({ interrupted: true, done: 16, accepted: 0 });
      await new Promise<void>((r) => setImmediate(r));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
  });

  it("a storage failure stops the run with that error", async () => {
    const target = await startTarget();
    const { store } = tempStore();
    seed(store, 20);
    const selection = selectionOf(store);
    // The first write of attempts fails: nothing is reported as done behind its back.
    store.db.exec(
      "CREATE TRIGGER no_attempts BEFORE INSERT ON attempts BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
    );
    const results: ReplayResult[] = [];
    await expect(
      runReplay({
        store,
        ...selection,
        to: target.url,
        concurrency: 4,
        onResult: (r) => results.push(r),
      }),
    ).rejects.toThrow("disk says no");
    expect(results).toHaveLength(0);
    expect(target.posts().length).toBeLessThan(20);
  });
});

function selectionOf(store: Store) {
  const sel = selectDeliveries(store, {});
  return { items: sel.items(), total: sel.total };
}

describe("RateLimiter", () => {
  it("spaces starts by 1/rate whatever the concurrency", async () => {
    const limiter = new RateLimiter(100);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 21 }, async () => {
        await limiter.take();
        starts.push(performance.now());
      }),
    );
    starts.sort((a, b) => a - b);
    // 21 starts at 100/s: the last no earlier than 200 ms after the first (timer slack allowed)
    expect(starts[20]! - starts[0]!).toBeGreaterThanOrEqual(195);
  });

  it("gives up a wait when aborted", async () => {
    const limiter = new RateLimiter(1);
    expect(await limiter.take()).toBe(true);
    const controller = new AbortController();
    const waiting = limiter.take(controller.signal);
    controller.abort();
    expect(await waiting).toBe(false);
  });
});
