import { afterEach, describe, expect, it } from "vitest";
import { HOSTILE_WHERE, pruneHostile } from "../../src/store/hostile.js";
import type { AuthState, DeliveryKind } from "../../src/store/types.js";
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

describe("hostile rows are kept to the newest few", () => {
  it("prunes the oldest rejected, invalid, 404, 405, 413 and failed-auth verification rows only", () => {
    const { store } = tempStore();
    const seed = (kind: DeliveryKind, auth: AuthState = "none") =>
      seedDelivery(store, [], { kind, auth }).seq;
    const hostile: number[] = [];
    const kept: number[] = [];
    kept.push(seedDelivery(store, [parsedEvent("u1", 0)]).seq);
    for (const kind of ["rejected", "invalid", "not_found", "method_not_allowed", "too_large"]) {
      hostile.push(seed(kind as DeliveryKind, "wrong"));
    }
    hostile.push(seed("verification", "missing"));
    kept.push(seed("verification", "ok"), seed("inline", "ok"), seed("fixture"));
    const replayed = seed("rejected", "wrong"); // re-sent by hand: it has attempts to show
    seedAttempt(store, replayed, { kind: "replay" });
    hostile.push(seed("rejected", "missing"), seed("rejected", "missing"));

    const count = () =>
      (
        store.db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE ${HOSTILE_WHERE}`).get() as {
          n: number;
        }
      ).n;
    expect(count()).toBe(hostile.length + 1);
    expect(pruneHostile(store, 3)).toBe(hostile.length - 2);
    const left = store.deliveries.list({ limit: 100, order: "asc" }).map((r) => r.seq);
    // the newest three hostile rows (the replayed one among them) and everything else
    expect(left).toEqual([...kept, replayed, ...hostile.slice(-2)].sort((a, b) => a - b));
    expect(pruneHostile(store, 3)).toBe(0);
  });

  it("walks the partial index (its WHERE is the query's), not every delivery", () => {
    const { store } = tempStore();
    const plan = store.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT seq FROM deliveries WHERE ${HOSTILE_WHERE} ORDER BY seq DESC`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail)).toEqual(["SCAN deliveries USING INDEX deliveries_hostile"]);
  });
});
