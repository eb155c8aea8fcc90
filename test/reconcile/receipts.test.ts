import { describe, expect, it } from "vitest";
import { readAhead } from "../../src/reconcile/read-ahead.js";
import { ReceiptIndex } from "../../src/reconcile/receipts.js";

describe("ReceiptIndex", () => {
  it("keeps per uuid the count, the first receipt from Okta and the type", () => {
    const index = ReceiptIndex.from([
      { uuid: "a", eventType: "user.lifecycle.create", receivedAt: 5000 },
      { uuid: "b", eventType: "group.user_membership.add", receivedAt: "1970-01-01T00:00:02.000Z" },
      { uuid: "a", eventType: "user.lifecycle.create", receivedAt: 3000 },
      { uuid: "c", eventType: null, receivedAt: 1000, backfill: 1 },
      { uuid: "b", eventType: "group.user_membership.add", receivedAt: 1000, backfill: true },
    ]);
    expect(index.size).toBe(3);
    const summary = (uuid: string) => index.summary(index.slotOf(uuid));
    expect(summary("a")).toEqual({ count: 2, firstFromOktaMs: 3000 });
    // A backfill is okhook's own send: it never counts as Okta's first receipt.
    expect(summary("b")).toEqual({ count: 2, firstFromOktaMs: 2000 });
    expect(summary("c").firstFromOktaMs).toBeNaN();
    expect(index.slotOf("z")).toBe(-1);
    expect(index.eventTypes()).toEqual(["group.user_membership.add", "user.lifecycle.create"]);
  });

  it("matches each uuid once and lists the rest as unmatched, in order", () => {
    const index = ReceiptIndex.from(
      ["x", "y", "z"].map((uuid) => ({ uuid, eventType: "t", receivedAt: 1 })),
    );
    expect(index.match(index.slotOf("y"))).toBe(true);
    expect(index.match(index.slotOf("y"))).toBe(false);
    expect([...index.unmatched()]).toEqual([
      { uuid: "x", eventType: "t" },
      { uuid: "z", eventType: "t" },
    ]);
  });
});

describe("readAhead", () => {
  /** A source that records when each item is asked for. */
  function source(n: number, log: string[], failAt?: number) {
    return (async function* () {
      for (let i = 0; i < n; i++) {
        log.push(`fetch ${i}`);
        await Promise.resolve();
        if (i === failAt) throw new Error(`page ${i} failed`);
        yield i;
      }
    })();
  }

  it("asks for the next item before the consumer is done with the current one", async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const item of readAhead(source(3, log))) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      log.push(`use ${item}`);
      seen.push(item);
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(log).toEqual(["fetch 0", "fetch 1", "use 0", "fetch 2", "use 1", "use 2"]);
  });

  it("passes a source error on at its place, and stops early without waiting", async () => {
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(source(5, [], 2))) seen.push(item);
      })(),
    ).rejects.toThrow("page 2 failed");
    expect(seen).toEqual([0, 1]);

    const log: string[] = [];
    for await (const item of readAhead(source(5, log))) if (item === 1) break;
    expect(log).toEqual(["fetch 0", "fetch 1", "fetch 2"]);
  });
});
