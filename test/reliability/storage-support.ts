import Database from "better-sqlite3";
import { expect } from "vitest";
import { cliHome, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { post } from "../helpers/payload.js";
import { uniqueDelivery } from "./support.js";

/** Cleanups the storage suites run after each test (locks, servers). */
export const cleanups: (() => Promise<void> | void)[] = [];

/** An okhook DB holding `n` deliveries, written by a real `listen`. */
export async function dbWith(n: number) {
  const s = cliHome();
  const l = await startListen(["--db", s.db], s.env);
  for (let i = 0; i < n; i++)
    expect((await post(l.hookUrl, uniqueDelivery().body)).status).toBe(200);
  expect(await l.stop()).toBe(0);
  return s;
}

/** Deliveries stored in a DB. */
export const count = (db: string) =>
  query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM deliveries")[0]!.n;

/** One line on stderr, starting with `okhook: `. */
export function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^okhook: /);
  return lines[0]!;
}

/** Hold SQLite's write lock on `db` from this (another) process, as a long transaction would. */
export function holdWriteLock(db: string): () => void {
  const conn = new Database(db, { timeout: 5000 });
  conn.exec("BEGIN IMMEDIATE");
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    conn.exec("COMMIT");
    conn.close();
  };
  cleanups.push(release);
  return release;
}
