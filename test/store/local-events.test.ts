import { afterEach, describe, expect, it } from "vitest";
import { ReceiptIndex } from "../../src/reconcile/receipts.js";
import { forwardTargetFor, markListenerBackfill } from "../../src/store/backfill.js";
import { StoreLocalEvents } from "../../src/store/local-events.js";
import { EventSpool } from "../../src/store/spool.js";
import {
  closeStores,
  parsedEvent,
  seedAttempt,
  seedDelivery,
  tempStore,
} from "../helpers/seed-store.js";
import { cleanupTmp } from "../helpers/tmp.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

const T = Date.parse("2026-11-20T14:00:00.000Z");
const HOUR = 3_600_000;

describe("StoreLocalEvents", () => {
  it("counts only accepted Okta deliveries and accepted backfills as receipts", () => {
    const { store } = tempStore();
    const ev = (uuid: string) => parsedEvent(uuid, T + 1000);
    const d1 = seedDelivery(store, [ev("a"), ev("b")], { receivedAt: T + 2000 });
    seedDelivery(store, [ev("a")], { kind: "replay", receivedAt: T + 3000 });
    seedDelivery(store, [ev("a")], { kind: "fixture", receivedAt: T + 3000 });
    seedDelivery(store, [ev("c")], { kind: "rejected", status: 401 });
    seedDelivery(store, [ev("c")], { kind: "invalid", status: 400 });
    seedDelivery(store, [ev("d")], { kind: "backfill", status: 500 });
    const bf = seedDelivery(store, [ev("e")], {
      kind: "backfill",
      status: 204,
      receivedAt: T + 9000,
    });
    const local = new StoreLocalEvents(store, { since: T, until: T + HOUR });

    expect(local.byUuid("a")).toEqual([
      {
        uuid: "a",
        eventType: "user.lifecycle.create",
        published: new Date(T + 1000).toISOString(),
        displayMessage: "stored a",
        receivedAt: T + 2000,
        deliveryId: d1.id,
        backfill: false,
      },
    ]);
    expect(local.byUuid("A")).toHaveLength(1);
    expect(local.byUuid("c")).toEqual([]);
    expect(local.byUuid("d")).toEqual([]);
    expect(local.byUuid("e")).toMatchObject([{ deliveryId: bf.id, backfill: true }]);
    expect([...local.inWindow()].map((r) => r.uuid).sort()).toEqual(["a", "b", "e"]);
  });

  it("windows on published (since inclusive, until exclusive) and lists the types received", () => {
    const { store } = tempStore();
    seedDelivery(store, [
      parsedEvent("before", T - 1),
      parsedEvent("first", T, "group.user_membership.add"),
      parsedEvent("inside", T + 10, "user.lifecycle.activate"),
      parsedEvent("at-until", T + HOUR, "user.session.start"),
      { ...parsedEvent("no-uuid", T + 5), uuid: null },
    ]);
    seedDelivery(store, [parsedEvent("replayed", T + 20, "user.mfa.factor.activate")], {
      kind: "replay",
    });
    const local = new StoreLocalEvents(store, { since: T, until: T + HOUR });
    expect([...local.inWindow()].map((r) => r.uuid)).toEqual(["first", "inside"]);
    // An event without a uuid cannot be compared, so its type does not widen the query.
    expect(ReceiptIndex.from(local.inWindow()).eventTypes()).toEqual([
      "group.user_membership.add",
      "user.lifecycle.activate",
    ]);
  });

  it("finds receipts by published however late they came, and despite a clock behind Okta's", () => {
    const { store } = tempStore();
    seedDelivery(store, [parsedEvent("late", T + 10)], { receivedAt: T + 5 * HOUR });
    seedDelivery(store, [parsedEvent("skewed", T + 10)], { receivedAt: T - 5 * 60_000 });
    seedDelivery(store, [parsedEvent("too-early", T - 10)], { receivedAt: T + 20 });
    const local = new StoreLocalEvents(store, { since: T, until: T + HOUR });
    expect([...local.inWindow()].map((r) => r.uuid).sort()).toEqual(["late", "skewed"]);
  });

  it("streams the window without loading it (iterate), and still answers byUuid meanwhile", () => {
    const { store } = tempStore();
    const events = Array.from({ length: 3000 }, (_, i) => parsedEvent(`u${i}`, T + i));
    for (let i = 0; i < events.length; i += 500) seedDelivery(store, events.slice(i, i + 500));
    const local = new StoreLocalEvents(store, { since: T, until: T + HOUR });
    let n = 0;
    for (const row of local.inWindow()) {
      if (n % 1000 === 0) expect(local.byUuid(row.uuid)).toHaveLength(1);
      n++;
    }
    expect(n).toBe(3000);
  });
});

describe("backfill bookkeeping", () => {
  it("re-labels the row a listener stored for a backfill, found by envelope eventId", () => {
    const { store } = tempStore();
    const sentAt = Date.now();
    const { seq } = seedDelivery(store, [parsedEvent("x", T)], { receivedAt: sentAt + 5 });
    store.db.prepare("UPDATE deliveries SET envelope_event_id = 'env-1' WHERE seq = ?").run(seq);
    expect(markListenerBackfill(store, "env-2", sentAt)).toBeUndefined();
    expect(markListenerBackfill(store, "env-1", sentAt)).toMatchObject({ seq });
    expect(store.deliveries.bySeq(seq)!.kind).toBe("backfill");
    expect(markListenerBackfill(store, "env-1", sentAt)).toBeUndefined();
  });

  it("finds the listener's last forward target for an event type", () => {
    const { store } = tempStore();
    const users = seedDelivery(store, [parsedEvent("u", T)]);
    const groups = seedDelivery(store, [parsedEvent("g", T, "group.user_membership.add")]);
    const attempt = (deliverySeq: number, target: string, kind: "forward" | "backfill") =>
      seedAttempt(store, deliverySeq, { kind, target, startedAt: T });
    attempt(users.seq, "http://localhost:3000/users", "forward");
    attempt(groups.seq, "http://localhost:3000/groups", "forward");
    attempt(users.seq, "http://elsewhere:9/", "backfill");
    expect(forwardTargetFor(store, "user.lifecycle.create")).toBe("http://localhost:3000/users");
    expect(forwardTargetFor(store, "group.user_membership.add")).toBe(
      "http://localhost:3000/groups",
    );
    expect(forwardTargetFor(store, "user.session.start")).toBeUndefined();
  });
});

describe("EventSpool", () => {
  it("gives events back in published order, from a temporary database", () => {
    const spool = new EventSpool();
    try {
      spool.add({ uuid: "b", published: "2026-11-20T14:00:02.000Z", eventType: "t2" });
      spool.add({ uuid: "a", published: "2026-11-20T14:00:01.000Z", eventType: "t1" });
      spool.add({ uuid: "c", published: "2026-11-20T14:00:02.000Z", eventType: "t1" });
      expect(spool.count).toBe(3);
      expect([...spool.ordered()].map((e) => e.uuid)).toEqual(["a", "b", "c"]);
      expect(spool.eventTypes().sort()).toEqual(["t1", "t2"]);
    } finally {
      spool.close();
    }
  });
});
