import { afterEach, describe, expect, it } from "vitest";
import { answerHeaders } from "../../src/forward/send.js";
import { exportCount, exportDeliveries } from "../../src/store/export-pages.js";
import { StoreImport } from "../../src/store/import-tx.js";
import type { FullDelivery } from "../../src/store/types.js";
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

function seeded(n: number) {
  const { store } = tempStore();
  for (let i = 0; i < n; i++) {
    const { seq } = seedDelivery(store, [parsedEvent(`uuid-${i}`, Date.UTC(2026, 0, 1, 0, i))], {
      receivedAt: Date.UTC(2026, 0, 1, 0, i),
    });
    seedAttempt(store, seq, {
      target: "http://localhost:3000/",
      startedAt: Date.UTC(2026, 0, 1, 0, i, 1),
      durationMs: 5,
      response: Buffer.from([0xff, i]),
      responseHeaders: [["x-app", String(i)]],
    });
  }
  return store;
}

describe("exportDeliveries", () => {
  it("walks every delivery oldest first across pages and body groups, with events and attempts", () => {
    const store = seeded(7);
    const all = [...exportDeliveries(store, { query: {} }, { pageRows: 3, groupBytes: 3 })];
    expect(all.map((d) => d.events[0]!.uuid)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((i) => `uuid-${i}`),
    );
    expect(all[4]).toMatchObject({
      body: Buffer.from("{}"),
      events: [{ idx: 0, duplicate: false }],
    });
    expect(all[4]!.attempts).toEqual([
      expect.objectContaining({
        response: Buffer.from([0xff, 4]),
        responseHeaders: [["x-app", "4"]],
      }),
    ]);
    expect(exportCount(store, { query: {} })).toBe(7);
    const since = Date.UTC(2026, 0, 1, 0, 5);
    expect(
      [...exportDeliveries(store, { query: { since } })].map((d) => d.events[0]!.uuid),
    ).toEqual(["uuid-5", "uuid-6"]);
    expect([...exportDeliveries(store, { seqs: [3, 1] })].map((d) => d.seq)).toEqual([3, 1]);
  });
});

describe("StoreImport", () => {
  const delivery = (over: Partial<FullDelivery> = {}): FullDelivery => {
    const source = seeded(1);
    const [d] = [...exportDeliveries(source, { query: {} })];
    return { ...d!, ...over };
  };

  it("stores nothing after a rollback, everything after a commit", () => {
    const d = delivery();
    const { store } = tempStore();
    const tx = new StoreImport(store);
    tx.insert(d);
    expect(tx.hasId(d.id)).toBe(true);
    tx.rollback();
    expect(store.deliveries.maxSeq()).toBe(0);
    const again = new StoreImport(store);
    again.insert({ ...d, forwardState: "pending" });
    again.commit();
    const [row] = store.deliveries.list({ limit: 5 });
    // a delivery left pending elsewhere is never forwarded by a listen here
    expect(row).toMatchObject({ id: d.id, forwardState: "none" });
    expect(store.attempts.fullOf([row!.seq]).get(row!.seq)).toHaveLength(1);
  });

  it("flags an event uuid already stored as a duplicate, and follows renames", () => {
    const d = delivery();
    const { store } = tempStore();
    const tx = new StoreImport(store);
    expect(tx.insert(d).duplicateCount).toBe(0);
    expect(tx.insert({ ...d, id: "01jz0000000000000000000001" }).duplicateCount).toBe(1);
    tx.rename(d.id, "01jz0000000000000000000001");
    expect(tx.renamedTo(d.id)).toBe("01jz0000000000000000000001");
    expect(tx.insertAttempt("01jz0000000000000000000001", d.attempts[0]!)).toBe(true);
    expect(tx.insertAttempt("01jz0000000000000000000009", d.attempts[0]!)).toBe(false);
    tx.commit();
  });
});

describe("answerHeaders", () => {
  it("keeps the app's headers as pairs while they fit the cap, its credentials redacted", () => {
    expect(
      answerHeaders({ "content-type": "text/plain", "set-cookie": ["a=1", "b=2"], x: undefined }),
    ).toEqual([
      ["content-type", "text/plain"],
      ["set-cookie", "[redacted]"],
      ["set-cookie", "[redacted]"],
    ]);
    const big = answerHeaders({ a: "x".repeat(100), b: "y".repeat(9000), c: "z" }, 200);
    expect(big).toEqual([["a", "x".repeat(100)]]);
  });
});
