import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from "../../src/store/checkpoint.js";
import { openDb } from "../../src/store/db.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(() => cleanupTmp());

function filled(file: string) {
  const db = openDb(file);
  db.exec("CREATE TABLE blobs (b BLOB)");
  const insert = db.prepare("INSERT INTO blobs VALUES (?)");
  const write = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) insert.run(Buffer.alloc(4000, i));
  });
  return { db, write };
}

describe("startCheckpointer", () => {
  it("copies committed pages into the database file from its own thread", async () => {
    const file = join(tmpDir(), "okhook.db");
    const { db, write } = filled(file);
    const before = statSync(file).size;
    const ck = startCheckpointer(db, file, { delayMs: 5 });
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(WRITER_AUTOCHECKPOINT_PAGES);
    write(200); // ~800 KB: far below the writer's own threshold, so only the thread can copy it
    ck.nudge();
    await waitFor(() => statSync(file).size > before + 500_000, { timeoutMs: 5000 });
    await ck.stop();
    db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("stops idempotently and gives the writer its default threshold back", async () => {
    const file = join(tmpDir(), "okhook.db");
    const { db } = filled(file);
    const ck = startCheckpointer(db, file);
    await ck.stop();
    await ck.stop();
    ck.nudge();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    db.close();
  });

  it("reports a thread that cannot open the database instead of crashing", async () => {
    const file = join(tmpDir(), "okhook.db");
    const { db } = filled(file);
    const errors: string[] = [];
    const ck = startCheckpointer(db, join(tmpDir(), "missing", "nope.db"), {
      onError: (m) => errors.push(m),
    });
    await waitFor(() => errors.length > 0, { timeoutMs: 5000 });
    expect(errors[0]).toMatch(/background checkpoint/);
    await ck.stop();
    db.close();
  });
});
