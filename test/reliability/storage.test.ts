import { closeSync, openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliHome, killAll, runCli, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { post } from "../helpers/payload.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";
import { cleanups, count, dbWith, oneLine } from "./storage-support.js";
import { alive, fmt, startLoad, summary, uniqueDelivery } from "./support.js";

const figures: string[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await killAll();
  cleanupTmp();
});

describe("storage faults", () => {
  it("refuses a corrupt database with exit 3 and one line, for listen, deliveries and show", async () => {
    const s = cliHome();
    writeFileSync(s.db, Buffer.alloc(8192, "not a database, just bytes "));
    for (const args of [
      ["listen", "--tunnel", "none", "--port", "0", "--output", "compact"],
      ["deliveries"],
      ["show", "abcdefgh"],
    ]) {
      const r = await runCli([...args, "--db", s.db], s.env);
      expect(r.code, args[0]).toBe(3);
      expect(oneLine(r.stderr)).toBe(
        `okhook: --db ${s.db}: not a readable okhook database (corrupt or another format); move it aside or pass --db <new file>`,
      );
    }
    // Pages damaged in the middle of a real database: still one line and exit 3, never a crash.
    const d = await dbWith(40);
    const fd = openSync(d.db, "r+");
    writeSync(fd, Buffer.alloc(4 * 4096, 0xa5), 0, 4 * 4096, Math.floor(statSync(d.db).size / 2));
    closeSync(fd);
    const listed = await runCli(["deliveries", "--db", d.db, "--limit", "100"], d.env);
    expect(listed.code, listed.stderr).toBe(3);
    expect(oneLine(listed.stderr)).toMatch(/not a readable okhook database/);
    figures.push("corrupt file and damaged pages → exit 3");
  });

  it("explains a database it cannot create (ENOTDIR, /sys, /proc) with exit 3, also as root", async () => {
    const s = cliHome();
    const file = join(s.home, "a-file");
    writeFileSync(file, "");
    // Root ignores permission bits, so these fail for other reasons: a path under a regular
    // file (ENOTDIR), sysfs (EACCES even for root), procfs (ENOENT; fs.mkdirSync's recursive
    // mode used to spin forever on it).
    for (const [db, code] of [
      [join(file, "okhook.db"), "ENOTDIR"],
      ["/sys/okhook-test.db", "EACCES"],
      ["/proc/okhook-test/okhook.db", "ENOENT"],
    ] as const) {
      const r = await runCli(
        ["listen", "--tunnel", "none", "--port", "0", "--output", "compact", "--db", db],
        s.env,
      );
      expect(r.code, db).toBe(3);
      expect(oneLine(r.stderr)).toMatch(new RegExp(`^okhook: --db ${db}: .*\\(${code}\\).*--db`));
    }
    figures.push("unwritable paths (ENOTDIR, /sys, /proc) → exit 3");
  });

  it("refuses a second listener on a database in use (exit 3) while the first stores under load; same port: exit 4", async () => {
    const s = cliHome();
    const a = await startListen(["--db", s.db], s.env);
    const load = startLoad({ url: a.hookUrl, connections: 5, maxRequests: 600 });
    await waitFor(() => load.result.acked.size > 0, { what: "the first acknowledgements" });
    // A second listener would resume (forward again) the first one's pending deliveries.
    const second = await runCli(
      ["listen", "--tunnel", "none", "--port", "0", "--output", "compact", "--db", s.db],
      s.env,
    );
    expect(second.code).toBe(3);
    expect(oneLine(second.stderr)).toBe(
      `okhook: --db ${s.db}: in use by another okhook listen (pid ${a.child.pid}, ${a.hookUrl}); stop that listener, or pass --db <other file> to run a second one`,
    );
    const same = await runCli(
      [
        "listen",
        "--tunnel",
        "none",
        "--port",
        String(a.port),
        "--output",
        "compact",
        "--db",
        join(s.home, "other.db"),
      ],
      s.env,
    );
    expect(same.code).toBe(4);
    expect(oneLine(same.stderr)).toMatch(new RegExp(`--port ${a.port}: .*already in use`));
    const result = await load.finished();
    expect(result.errors).toBe(0);
    expect(result.acked.size).toBe(600);
    const stored = new Set(
      query<{ uuid: string }>(s.db, "SELECT uuid FROM events").map((r) => r.uuid),
    );
    expect([...result.acked.keys()].filter((u) => !stored.has(u))).toEqual([]);
    expect(alive(a.child.pid!)).toBe(true);
    expect((await post(a.hookUrl, uniqueDelivery().body)).status).toBe(200);
    expect(await a.stop()).toBe(0);
    expect(count(s.db)).toBe(601);
    figures.push(
      `second listener on a DB in use → exit 3 while the first acked and stored ${fmt(600)}; same port → exit 4`,
    );
    summary(`storage: ${figures.join("; ")}; nothing already stored lost`);
  });
});
