import { afterEach, describe, expect, it } from "vitest";
import { WriteQueue } from "../../src/forward/write-queue.js";
import { closeStores, tempStore } from "../helpers/seed-store.js";
import { cleanupTmp } from "../helpers/tmp.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("WriteQueue", () => {
  it("commits one turn's writes in one transaction, then runs their notifications", async () => {
    const { store } = tempStore();
    store.db.exec("CREATE TABLE t (n INTEGER)");
    const insert = store.db.prepare("INSERT INTO t VALUES (?)");
    const q = new WriteQueue(store, (err) => {
      throw err;
    });
    const seen: number[] = [];
    const count = () => (store.db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;
    for (let i = 0; i < 3; i++)
      q.add(
        () => insert.run(i),
        () => seen.push(count()),
      );
    expect(count()).toBe(0);
    await turn();
    expect(seen).toEqual([3, 3, 3]);
  });

  it("without retries, a failed batch is reported once and dropped, notifications unrun", async () => {
    const { store } = tempStore();
    const errors: unknown[] = [];
    const q = new WriteQueue(store, (err) => errors.push(err), null);
    let notified = false;
    q.add(
      () => store.db.exec("INSERT INTO no_such_table VALUES (1)"),
      () => {
        notified = true;
      },
    );
    q.flush();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/no_such_table/);
    expect(notified).toBe(false);
    q.flush();
    expect(errors).toHaveLength(1);
  });
});
