import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  HOSTILE_BODY_KEEP,
  HOSTILE_STORE_BURST,
  HOSTILE_STORE_RATE,
} from "../../src/listen/flood.js";
import { cliEnv, jsonEvents, killAll, runCli, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { post } from "../helpers/payload.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";
import { fmt, summary, uniqueDelivery } from "./support.js";

const SECRET = "flood-test-secret-5b1e";
const MIB = 1024 * 1024;
/** Scaled down from the 10,000 of the issue to keep `npm test` fast; the figure line extrapolates. */
const FLOOD = 2_000;
const CONNECTIONS = 4;
/** DB growth allowed for FLOOD × 1 MiB (10,000 may grow it by "a few tens of MB"), at rest. */
const GROWTH_LIMIT = 8 * MIB;
/**
 * While it runs, DB + WAL may not pass this: the WAL's high-water mark counts pages twice
 * until the listener closes, so this only stops a broken run before it fills the disk.
 */
const ABORT_LIMIT = 64 * MIB;
/**
 * A valid delivery's ack during the flood (p99, and the worst one), generous for a loaded
 * 2-core machine: typical figures are p99 ~120 ms, max ~250–450 ms.
 */
const ACK_P99_LIMIT_MS = 400;
const ACK_MAX_LIMIT_MS = 1500;
const DEADLINE_MS = 120_000;

const flooders = new Set<ReturnType<typeof spawn>>();
afterEach(async () => {
  for (const c of flooders) c.kill("SIGKILL");
  flooders.clear();
  await killAll();
  cleanupTmp();
});

// A separate process sends the flood, so the probe's latency is the listener's, not the
// test process's own event loop busy writing 1 MiB bodies.
const FLOODER = `
import http from "node:http";
const [url, total, conns] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
const body = Buffer.alloc(${MIB}, 0x61);
let sent = 0, done = 0;
const statuses = {};
const one = () => new Promise((resolve) => {
  const req = http.request(url, { method: "POST", agent, headers: {
    "content-type": "application/json", "content-length": body.length } }, (res) => {
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    res.resume();
    res.on("end", resolve);
  });
  req.on("error", (e) => { statuses[e.code] = (statuses[e.code] ?? 0) + 1; resolve(); });
  req.end(body);
});
const loop = async () => { while (sent < total) { sent++; await one(); if (++done % 100 === 0) console.log(JSON.stringify({ done })); } };
await Promise.all(Array.from({ length: conns }, loop));
console.log(JSON.stringify({ done, statuses }));
agent.destroy();
`;

function runFlood(url: string) {
  const child = spawn(
    process.execPath,
    ["--input-type=module", "-e", FLOODER, url, String(FLOOD), String(CONNECTIONS)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  flooders.add(child);
  let out = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const last = () =>
    JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as {
      done?: number;
      statuses?: Record<string, number>;
    };
  return { child, exited, last };
}

const dbBytes = (db: string) =>
  [db, `${db}-wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

describe("a flood on the public URL", () => {
  it(
    `${fmt(FLOOD)} unauthenticated 1 MiB POSTs grow the DB by a few MB at most and never slow a valid delivery's ack`,
    async () => {
      const home = tmpDir();
      const db = join(home, "okhook.db");
      const env = cliEnv(home);
      const l = await startListen(["--db", db, "--secret", SECRET], env);
      const base = dbBytes(db);
      const started = performance.now();
      const flood = runFlood(l.hookUrl);
      let flooding = true;
      let overgrown = 0;
      void flood.exited.then(() => {
        flooding = false;
      });
      const latencies: number[] = [];
      const probes: string[] = [];
      while (flooding && performance.now() - started < DEADLINE_MS) {
        const growth = dbBytes(db) - base;
        if (growth > ABORT_LIMIT) {
          overgrown = growth; // stop before the disk fills: the bound is already broken
          flood.child.kill("SIGKILL");
          break;
        }
        const { uuid, body } = uniqueDelivery();
        const res = await post(l.hookUrl, body, { authorization: SECRET });
        expect(res.status).toBe(200);
        latencies.push(res.ms);
        probes.push(uuid);
      }
      expect(overgrown, `DB grew by ${fmt(overgrown)} bytes during the flood`).toBe(0);
      await flood.exited;
      const seconds = (performance.now() - started) / 1000;
      const result = flood.last();
      expect(result.statuses).toEqual({ 401: FLOOD });

      const warnings = () =>
        jsonEvents(l.stdout()).filter(
          (e) => e.type === "warning" && /counted, not stored/.test(String(e.message)),
        );
      await waitFor(() => warnings().length > 0, { what: "a 'counted, not stored' warning" });
      expect(await l.stop()).toBe(0);
      const growth = dbBytes(db) - base;
      const rows = query<{ n: number; maxBody: number; sizes: number }>(
        db,
        `SELECT COUNT(*) AS n, MAX(length(body)) AS maxBody, MIN(size = ${MIB}) AS sizes
       FROM deliveries WHERE kind = 'rejected'`,
      )[0]!;
      const counted = Number(
        /\(([\d,]+) so far\)/.exec(String(warnings().at(-1)!.message))![1]!.replace(/,/g, ""),
      );
      expect(rows.n + counted).toBe(FLOOD);
      expect(rows.n).toBeLessThanOrEqual(HOSTILE_STORE_BURST + HOSTILE_STORE_RATE * seconds + 1);
      expect(rows.maxBody).toBe(HOSTILE_BODY_KEEP);
      expect(rows.sizes).toBe(1);
      expect(growth).toBeLessThan(GROWTH_LIMIT);
      const stored = query<{ ack: number }>(
        db,
        `SELECT d.ack_ms AS ack FROM deliveries d JOIN events e ON e.delivery_seq = d.seq
       WHERE e.uuid IN (SELECT value FROM json_each(?))`,
        JSON.stringify(probes),
      );
      expect(stored).toHaveLength(probes.length);
      expect(probes.length).toBeGreaterThan(10);
      // A capped body is never replayed as if it were the request that came.
      const cut = query<{ id: string }>(
        db,
        "SELECT id FROM deliveries WHERE kind = 'rejected' LIMIT 1",
      )[0]!;
      const replay = await runCli(
        ["replay", cut.id, "--to", "http://127.0.0.1:9/", "--db", db],
        env,
      );
      expect(replay.code).toBe(2);
      expect(replay.stderr).toContain(
        `only the first ${HOSTILE_BODY_KEEP} of its ${MIB} body bytes were kept (rejected), so it cannot be replayed`,
      );
      const p99 = percentile(latencies, 99);
      const max = Math.max(...latencies);
      expect(p99).toBeLessThan(ACK_P99_LIMIT_MS);
      expect(max).toBeLessThan(ACK_MAX_LIMIT_MS);
      summary(
        `flood: ${fmt(FLOOD)} unauthenticated 1 MiB POSTs over ${CONNECTIONS} connections in ${seconds.toFixed(1)} s → ` +
          `${fmt(rows.n)} rejected rows stored (first ${HOSTILE_BODY_KEEP / 1024} KiB of body, ≤ one 4 KiB page each), ${fmt(counted)} counted only; ` +
          `DB +${(growth / MIB).toFixed(1)} MiB at rest with the valid deliveries (10,000 would store ≤ ${HOSTILE_STORE_BURST} + ${HOSTILE_STORE_RATE}/s rows, and all 10,000 ≤ 40 MiB); ` +
          `${fmt(probes.length)} valid deliveries meanwhile: ack p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${max.toFixed(0)} ms ` +
          `(stored ack_ms max ${Math.max(...stored.map((s) => s.ack)).toFixed(1)} ms)`,
      );
    },
    DEADLINE_MS + 30_000,
  );

  it("never limits authenticated inline hook requests: a burst past the hostile budget is all stored and answered", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const l = await startListen(["--db", db, "--secret", SECRET], cliEnv(home));
    const inlineUrl = new URL("/okta/inline", l.hookUrl).toString();
    const body = readFileSync(
      new URL("../../fixtures/inline/password-import.json", import.meta.url),
    );
    const total = HOSTILE_STORE_BURST + 100;
    const statuses: Record<number, number> = {};
    let next = 0;
    const sender = async () => {
      while (next++ < total) {
        const res = await post(inlineUrl, body, { authorization: SECRET });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: 8 }, sender));
    // no app to ask: okhook answers Okta 502 itself, every time (never 503, never dropped)
    expect(statuses).toEqual({ 502: total });
    expect(await l.stop()).toBe(0);
    expect(query(db, "SELECT kind, COUNT(*) AS n FROM deliveries GROUP BY kind")).toEqual([
      { kind: "inline", n: total },
    ]);
  });

  it("keeps only the newest rejected requests, so a trickle below the rate never grows the DB without bound", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home);
    const keep = ["--hostile-keep", "40", "--hostile-prune-every", "10"];
    const l = await startListen(["--db", db, "--secret", SECRET, ...keep], env);
    const valid: string[] = [];
    for (let i = 0; i < 150; i++) {
      expect((await post(l.hookUrl, `{"n":${i}}`)).status).toBe(401);
      if (i % 50 === 0) {
        const { uuid, body } = uniqueDelivery();
        expect((await post(l.hookUrl, body, { authorization: SECRET })).status).toBe(200);
        valid.push(uuid);
      }
    }
    expect(await l.stop()).toBe(0);
    const count = (kind: string) =>
      query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM deliveries WHERE kind = ?", kind)[0]!.n;
    expect(count("rejected")).toBeGreaterThanOrEqual(40);
    expect(count("rejected")).toBeLessThan(50);
    expect(count("delivery")).toBe(valid.length);
    // the newest are the ones kept
    const bodies = query<{ body: Buffer }>(
      db,
      "SELECT body FROM deliveries WHERE kind = 'rejected' ORDER BY seq DESC LIMIT 1",
    );
    expect(bodies[0]!.body.toString()).toBe('{"n":149}');
    // a listen with a smaller budget prunes at start
    const again = await startListen(["--db", db, "--hostile-keep", "5"], env);
    expect(await again.stop()).toBe(0);
    expect(count("rejected")).toBe(5);
    expect(count("delivery")).toBe(valid.length);
  });
});
