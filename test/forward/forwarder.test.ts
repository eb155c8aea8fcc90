import { afterEach, describe, expect, it } from "vitest";
import { EventBus, type SessionEvent } from "../../src/events.js";
import { Forwarder, type ForwarderOptions } from "../../src/forward/forwarder.js";
import { DOWN_AFTER_NETWORK_FAILURES } from "../../src/forward/health.js";
import { RoutingTable } from "../../src/forward/routes.js";
import { ForwardAttempts, INTERRUPTED_ERROR } from "../../src/store/forward-attempts.js";
import { newDeliveryId } from "../../src/store/ids.js";
import type { Store } from "../../src/store/store.js";
import type { NewDelivery } from "../../src/store/types.js";
import { closeStores, tempStore } from "../helpers/seed-store.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

const running: { forwarder: Forwarder; store: Store }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.forwarder.stop(100);
  }
  closeStores();
  await closeTargets();
  cleanupTmp();
});

const record = (...eventTypes: string[]): NewDelivery => ({
  id: newDeliveryId(),
  receivedAt: Date.now(),
  method: "POST",
  path: "/okta/events",
  remoteAddr: "127.0.0.1",
  headers: [["content-type", "application/json"]],
  body: Buffer.from(
    JSON.stringify({ data: { events: eventTypes.map((eventType) => ({ eventType })) } }),
  ),
  size: 40,
  kind: "delivery",
  status: 200,
  auth: "none",
  events: eventTypes.map((eventType) => ({
    uuid: crypto.randomUUID(),
    eventType,
    published: null,
    displayMessage: null,
    actor: null,
    outcome: null,
    targets: null,
  })),
  forwardState: "pending",
});

function setup(
  routes: string[],
  store = tempStore().store,
  options: Partial<ForwarderOptions> = {},
) {
  const bus = new EventBus();
  const events: SessionEvent[] = [];
  bus.on((e) => events.push(e));
  const forwarder = new Forwarder({
    store,
    routes: RoutingTable.parse(routes),
    auth: { header: "authorization", value: undefined },
    bus,
    timeoutMs: 2000,
    retries: 2,
    retryBaseMs: 5,
    ...options,
  });
  running.push({ forwarder, store });
  return { store, forwarder, events, bus };
}

const state = (store: Store, seq: number) => store.deliveries.bySeq(seq)?.forwardState;

/** A retry this far away never comes during a test: what happens meanwhile is what a waiting retry allows. */
const RETRY_BASE_FAR_MS = 60_000;

describe("Forwarder", () => {
  it("forwards a just-stored delivery from memory, records the attempt, then announces it", async () => {
    const target = await startTarget("/hook");
    const { store, forwarder, events, bus } = setup([target.url]);
    const r = record("user.lifecycle.create");
    const [stored] = store.deliveries.insert([r]);
    const rowsWhenAnnounced: number[] = [];
    bus.on((e) => {
      if (e.type === "forward") rowsWhenAnnounced.push(store.attempts.of(e.outcome.seq).length);
    });
    events.length = 0;
    forwarder.enqueue(stored!.seq, {
      eventTypes: ["user.lifecycle.create"],
      payload: { id: r.id, receivedAt: r.receivedAt, headers: r.headers, body: r.body },
    });
    await waitFor(() => events.some((e) => e.type === "forward"));
    // the attempt row exists by the time the event is emitted (write, then emit)
    expect(rowsWhenAnnounced).toEqual([1]);
    expect(store.attempts.of(stored!.seq).map((a) => [a.attempt, a.status])).toEqual([[1, 200]]);
    await waitFor(() => state(store, stored!.seq) === "forwarded");
    expect(target.posts()[0]!.headers["x-okhook-delivery-id"]).toBe(r.id);
    expect(target.posts()[0]!.body.toString()).toBe(r.body!.toString());
  });

  it("sends a mixed batch whole to each target one of its events routes to, forwarded once every one took it", async () => {
    const a = await startTarget("/a");
    const b = await startTarget("/b", () => ({ status: 200, delayMs: 150 }));
    const { store, forwarder } = setup([`user.*=${a.url}`, `group.*=${b.url}`]);
    const types = ["user.lifecycle.create", "group.user_membership.add"];
    const r = record(...types);
    const [stored] = store.deliveries.insert([r]);
    forwarder.enqueue(stored!.seq, { eventTypes: types });
    await waitFor(() => a.posts().length === 1);
    expect(state(store, stored!.seq)).toBe("pending");
    await waitFor(() => state(store, stored!.seq) === "forwarded");
    expect(b.posts()).toHaveLength(1);
    // README: never split or rewritten, both apps get Okta's bytes with both events
    expect(a.posts()[0]!.body.equals(r.body!)).toBe(true);
    expect(b.posts()[0]!.body.equals(r.body!)).toBe(true);
  });

  it("stays pending while another target still has work after one failed, then reports the failure", async () => {
    const broken = await startTarget("/broken", () => ({ status: 503 }));
    const slow = await startTarget("/slow", () => ({ status: 200, delayMs: 300 }));
    const { store, forwarder } = setup([`user.*=${broken.url}`, `group.*=${slow.url}`], undefined, {
      retries: 0,
    });
    const types = ["user.lifecycle.create", "group.user_membership.add"];
    const [stored] = store.deliveries.insert([record(...types)]);
    forwarder.enqueue(stored!.seq, { eventTypes: types });
    await waitFor(() => store.attempts.of(stored!.seq).some((a) => a.status === 503));
    // the other target has not answered: a restart now would still owe it this delivery
    expect(state(store, stored!.seq)).toBe("pending");
    await waitFor(() => state(store, stored!.seq) === "failed");
    expect(store.deliveries.bySeq(stored!.seq)).toMatchObject({ forwardStatus: 503 });
    expect(slow.posts()).toHaveLength(1);
  });

  it("numbers retries and resumes a delivery left by an earlier run without re-sending to a target that took it", async () => {
    const flaky = await startTarget("/flaky", (_r, n) => ({ status: n === 1 ? 500 : 200 }));
    const first = setup([flaky.url]);
    const [stored] = first.store.deliveries.insert([record("group.user_membership.add")]);
    first.forwarder.enqueue(stored!.seq, { eventTypes: ["group.user_membership.add"] });
    await waitFor(() => state(first.store, stored!.seq) === "forwarded");
    expect(first.store.attempts.of(stored!.seq).map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    // an earlier run crashed before updating the state: the next run only settles it
    first.store.deliveries.setForward(stored!.seq, { state: "pending" });
    const again = setup([flaky.url], first.store);
    expect(again.forwarder.start()).toBe(1);
    await waitFor(() => state(first.store, stored!.seq) === "forwarded");
    expect(flaky.posts()).toHaveLength(2);
  });

  it("gives a failed forward's concurrency slot back while its retry waits, so other deliveries go out", async () => {
    // The first attempt of a "deactivate" delivery fails; everything else succeeds at once.
    const target = await startTarget("/hook", (r) => ({
      status:
        r.headers["x-okhook-attempt"] === "1" && r.body.includes("user.lifecycle.deactivate")
          ? 500
          : 200,
    }));
    const { store, forwarder, events } = setup([target.url], undefined, {
      concurrencyPerTarget: 2,
      retryBaseMs: RETRY_BASE_FAR_MS,
    });
    const enqueue = (eventType: string) => {
      const [stored] = store.deliveries.insert([record(eventType)]);
      forwarder.enqueue(stored!.seq, { eventTypes: [eventType] });
      return stored!.seq;
    };
    // more failing deliveries than slots, queued ahead of the ones that succeed
    const failing = [1, 2, 3, 4].map(() => enqueue("user.lifecycle.deactivate"));
    const fine = [1, 2, 3, 4].map(() => enqueue("user.lifecycle.create"));
    const outcomes = () => events.flatMap((e) => (e.type === "forward" ? [e.outcome] : []));
    await waitFor(
      () => fine.every((seq) => outcomes().some((o) => o.seq === seq && o.next === "forwarded")),
      { what: "every delivery that succeeds at once forwarded while the failed ones wait" },
    );
    const retrying = outcomes().filter((o) => o.next === "retry");
    expect(retrying.map((o) => o.seq).sort((a, b) => a - b)).toEqual(failing);
    // no retry went out: the failed deliveries are still waiting, yet the others were not held up
    expect(target.posts().filter((p) => p.headers["x-okhook-attempt"] !== "1")).toEqual([]);
    expect(failing.map((seq) => state(store, seq))).toEqual(failing.map(() => "pending"));
    expect(fine.map((seq) => state(store, seq))).toEqual(fine.map(() => "forwarded"));
  });

  it("cancels retries waiting at stop, leaving their deliveries pending for the next run to forward once", async () => {
    const target = await startTarget("/hook", (r) => ({
      status: r.headers["x-okhook-attempt"] === "1" ? 503 : 200,
    }));
    const first = setup([target.url], undefined, { retryBaseMs: RETRY_BASE_FAR_MS });
    const seqs = [1, 2, 3].map(() => {
      const [stored] = first.store.deliveries.insert([record("user.lifecycle.create")]);
      first.forwarder.enqueue(stored!.seq, { eventTypes: ["user.lifecycle.create"] });
      return stored!.seq;
    });
    await waitFor(
      () =>
        first.events.filter((e) => e.type === "forward" && e.outcome.next === "retry").length === 3,
    );
    await first.forwarder.stop(5000);
    expect(seqs.map((seq) => state(first.store, seq))).toEqual(["pending", "pending", "pending"]);
    expect(
      seqs.map((seq) => first.store.attempts.of(seq).map((a) => [a.attempt, a.status])),
    ).toEqual(seqs.map(() => [[1, 503]]));
    const again = setup([target.url], first.store);
    expect(again.forwarder.start()).toBe(3);
    await waitFor(() => seqs.every((seq) => state(first.store, seq) === "forwarded"));
    expect(
      seqs.map((seq) => first.store.attempts.of(seq).map((a) => [a.attempt, a.status])),
    ).toEqual(
      seqs.map(() => [
        [1, 503],
        [2, 200],
      ]),
    );
    expect(target.posts()).toHaveLength(6);
  });

  it("keeps a delivery pending when its attempt fails with retries left during stop's grace", async () => {
    // the 503 arrives while stop() waits for in-flight forwards
    const target = await startTarget("/hook", (r) =>
      r.headers["x-okhook-attempt"] === "1" ? { status: 503, delayMs: 300 } : { status: 200 },
    );
    const first = setup([target.url]);
    const [stored] = first.store.deliveries.insert([record("user.lifecycle.create")]);
    first.forwarder.enqueue(stored!.seq, { eventTypes: ["user.lifecycle.create"] });
    await waitFor(() => target.posts().length === 1);
    await first.forwarder.stop(5000);
    expect(first.store.attempts.of(stored!.seq).map((a) => [a.attempt, a.status])).toEqual([
      [1, 503],
    ]);
    expect(state(first.store, stored!.seq)).toBe("pending");
    const again = setup([target.url], first.store);
    expect(again.forwarder.start()).toBe(1);
    await waitFor(() => state(first.store, stored!.seq) === "forwarded");
    expect(target.posts()).toHaveLength(2);
  });

  it("stops after 3 network failures in a row, parks the rest of a burst without an attempt, and forwards it all once the first probe sees the target back", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    // one slot: attempts go one after the other, so exactly the failures that mark it down are made
    const { store, forwarder, events } = setup([url], undefined, {
      concurrencyPerTarget: 1,
      retries: 8,
    });
    const burst = Array.from({ length: 20 }, () => {
      const [stored] = store.deliveries.insert([record("user.lifecycle.create")]);
      forwarder.enqueue(stored!.seq, { eventTypes: ["user.lifecycle.create"] });
      return stored!.seq;
    });
    const outcomes = () => events.flatMap((e) => (e.type === "forward" ? [e.outcome] : []));
    const health = () => events.flatMap((e) => (e.type === "target" ? [e.health] : []));
    await waitFor(
      () =>
        forwarder.parkedCount() === burst.length &&
        outcomes().filter((o) => o.attempt > 0).length === DOWN_AFTER_NETWORK_FAILURES,
      { what: "every delivery of the burst parked, the failed attempts recorded" },
    );
    expect(health()).toEqual(["down"]);
    const attempts = burst.map((seq) => store.attempts.of(seq));
    expect(attempts.flat().map((a) => a.error)).toEqual(
      Array(DOWN_AFTER_NETWORK_FAILURES).fill(expect.stringMatching(/^connection refused/)),
    );
    // with --retries 8 a delivery used to make 9 attempts before the target counted as down
    expect(attempts.filter((a) => a.length === 0).length).toBeGreaterThanOrEqual(
      burst.length - DOWN_AFTER_NETWORK_FAILURES,
    );
    expect(burst.map((seq) => state(store, seq))).toEqual(burst.map(() => "pending"));

    // the app is back on the same port: the first probe, 1 s after the target went down (not
    // the 15 s health interval), sends everything that waited
    const target = await startTarget("/hook", undefined, port);
    await waitFor(() => burst.every((seq) => state(store, seq) === "forwarded"), {
      timeoutMs: 5000,
      what: "the parked burst forwarded after the first probes",
    });
    expect(health()).toEqual(["down", "up"]);
    const ids = target.posts().map((p) => String(p.headers["x-okhook-delivery-id"]));
    expect(new Set(ids).size).toBe(burst.length);
    expect(ids).toHaveLength(burst.length);
    for (const seq of burst) {
      const rows = store.attempts.of(seq);
      expect(rows.map((a) => a.attempt)).toEqual(rows.map((_a, i) => i + 1));
      expect(rows.filter((a) => a.status === 200)).toHaveLength(1);
      expect(rows.at(-1)!.status).toBe(200);
    }
  });

  it("aborts a forward still waiting on the target at stop: its attempt is recorded as interrupted, the delivery stays pending, the next run sends attempt 2", async () => {
    const target = await startTarget("/slow", (_r, n) => ({
      status: 200,
      delayMs: n === 1 ? 5000 : 0,
    }));
    const first = setup([target.url]);
    const [stored] = first.store.deliveries.insert([record("user.lifecycle.create")]);
    first.forwarder.enqueue(stored!.seq, { eventTypes: ["user.lifecycle.create"] });
    await waitFor(() => target.posts().length === 1);
    const started = performance.now();
    await first.forwarder.stop(50);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(state(first.store, stored!.seq)).toBe("pending");
    expect(first.store.attempts.of(stored!.seq)).toMatchObject([
      { attempt: 1, status: null, error: INTERRUPTED_ERROR },
    ]);
    const again = setup([target.url], first.store);
    expect(again.forwarder.start()).toBe(1);
    await waitFor(() => state(first.store, stored!.seq) === "forwarded");
    expect(target.posts().map((p) => p.headers["x-okhook-attempt"])).toEqual(["1", "2"]);
  });

  it("commits the attempt row before the request goes out", async () => {
    let seen: unknown[] = [];
    let read = () => [] as unknown[];
    const target = await startTarget("/hook", () => {
      seen = read(); // while the request is at the app: the row is there, no answer yet
      return { status: 200 };
    });
    const { store, forwarder } = setup([target.url]);
    const [stored] = store.deliveries.insert([record("user.lifecycle.create")]);
    read = () => store.attempts.of(stored!.seq);
    forwarder.enqueue(stored!.seq, { eventTypes: ["user.lifecycle.create"] });
    await waitFor(() => state(store, stored!.seq) === "forwarded");
    expect(seen).toMatchObject([{ attempt: 1, kind: "forward", status: null, error: null }]);
    expect(store.attempts.of(stored!.seq)).toMatchObject([{ attempt: 1, status: 200 }]);
  });

  it("marks an attempt an earlier run left without an answer (killed mid-send) interrupted and numbers the resend after it", async () => {
    const target = await startTarget("/hook");
    const first = setup([target.url]);
    const [stored] = first.store.deliveries.insert([record("user.lifecycle.create")]);
    // what a kill -9 between sending and recording the answer leaves behind
    new ForwardAttempts(first.store).start({
      deliverySeq: stored!.seq,
      target: target.url,
      attempt: 1,
      startedAt: Date.now(),
    });
    const again = setup([target.url], first.store);
    expect(again.forwarder.start()).toBe(1);
    await waitFor(() => state(first.store, stored!.seq) === "forwarded");
    expect(target.posts().map((p) => p.headers["x-okhook-attempt"])).toEqual(["2"]);
    expect(first.store.attempts.of(stored!.seq).map((a) => [a.attempt, a.status, a.error])).toEqual(
      [
        [1, null, INTERRUPTED_ERROR],
        [2, 200, null],
      ],
    );
  });

  it("keeps at most concurrencyPerTarget requests at the app; at stop, rows committed ahead of a send that never went out are dropped", async () => {
    let open = 0;
    let most = 0;
    const target = await startTarget("/hook", () => {
      most = Math.max(most, ++open);
      return { status: 200, delayMs: 5000 };
    });
    const first = setup([target.url], undefined, { concurrencyPerTarget: 2 });
    const seqs = [1, 2, 3, 4, 5].map(() => {
      const [stored] = first.store.deliveries.insert([record("user.lifecycle.create")]);
      first.forwarder.enqueue(stored!.seq, { eventTypes: ["user.lifecycle.create"] });
      return stored!.seq;
    });
    await waitFor(() => target.posts().length === 2);
    await first.forwarder.stop(50);
    expect(most).toBe(2);
    const rows = seqs.map((seq) => first.store.attempts.of(seq).map((a) => [a.attempt, a.error]));
    // two were cut at the app; the others never went out and left no row behind
    expect(rows).toEqual([[[1, INTERRUPTED_ERROR]], [[1, INTERRUPTED_ERROR]], [], [], []]);
    target.setAnswer(() => ({ status: 200 }));
    const again = setup([target.url], first.store);
    expect(again.forwarder.start()).toBe(5);
    await waitFor(() => seqs.every((seq) => state(first.store, seq) === "forwarded"));
    const attemptsSent = target
      .posts()
      .slice(2)
      .map((p) => p.headers["x-okhook-attempt"])
      .sort();
    expect(attemptsSent).toEqual(["1", "1", "1", "2", "2"]);
  });
});
