import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, killAll, runCli, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";
import { fmt, startLoad, summary } from "./support.js";

const ROUNDS = 5;
const CONNECTIONS = 20;
/** Requests per round at most: bounds the run on a slow machine. */
const MAX_REQUESTS_PER_ROUND = 4_000;
/** The kill lands this long (random within the range) after the round's first acknowledgement. */
const KILL_AFTER_MS: [number, number] = [50, 600];

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

describe("crash safety: kill -9 under load", () => {
  it("keeps every acknowledged delivery byte for byte and forwards each after the restart", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home);
    const target = await startTarget("/hook");
    const args = ["--db", db, "--forward-to", target.url, "--retry-delay", "20"];
    const acked = new Map<string, Buffer>();
    let errors = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const l = await startListen(args, env);
      const load = startLoad({
        url: l.hookUrl,
        connections: CONNECTIONS,
        maxRequests: MAX_REQUESTS_PER_ROUND,
      });
      await waitFor(() => load.result.acked.size > 0 || load.result.errors > 0);
      const [lo, hi] = KILL_AFTER_MS;
      const killed = new Promise<void>((resolve) => {
        setTimeout(
          () => {
            l.child.kill("SIGKILL");
            resolve();
          },
          lo + Math.random() * (hi - lo),
        );
      });
      await killed;
      await l.exited;
      const r = await load.stop();
      for (const [uuid, body] of r.acked) acked.set(uuid, body);
      errors += r.errors;
      expect([...r.statuses.keys()].filter((s) => s !== 200)).toEqual([]);
    }

    // Final restart on the same DB: resumes every pending forward.
    const l = await startListen(args, env);
    await waitFor(
      () =>
        query<{ n: number }>(
          db,
          "SELECT COUNT(*) AS n FROM deliveries WHERE kind = 'delivery' AND forward_state != 'forwarded'",
        )[0]!.n === 0,
      { timeoutMs: 20_000, what: "every stored delivery forwarded" },
    );
    expect(await l.stop("SIGINT")).toBe(0);

    const stored = new Map(
      query<{ uuid: string; body: Buffer; id: string }>(
        db,
        "SELECT e.uuid, d.body, d.id FROM events e JOIN deliveries d ON d.seq = e.delivery_seq",
      ).map((r) => [r.uuid, r]),
    );
    const lost = [...acked.keys()].filter((u) => !stored.has(u));
    const altered = [...acked].filter(
      ([u, body]) => stored.has(u) && !stored.get(u)!.body.equals(body),
    );
    expect(lost).toEqual([]);
    expect(altered.map(([u]) => u)).toEqual([]);
    expect(query(db, "SELECT uuid FROM events GROUP BY uuid HAVING COUNT(*) > 1")).toEqual([]);

    const received = new Map<string, number>();
    for (const p of target.posts()) {
      const id = String(p.headers["x-okhook-delivery-id"]);
      received.set(id, (received.get(id) ?? 0) + 1);
    }
    const notForwarded = [...acked.keys()].filter((u) => !received.has(stored.get(u)!.id));
    expect(notForwarded).toEqual([]);
    const byId = new Map([...stored.values()].map((r) => [r.id, r.body]));
    for (const p of target.posts()) {
      expect(p.body.equals(byId.get(String(p.headers["x-okhook-delivery-id"]))!)).toBe(true);
    }
    // A copy cut by a kill before its answer was recorded is sent again (the target dedupes on
    // x-okhook-delivery-id), as the next attempt: its row was committed before it went out.
    // What must never happen: a second send of a delivery whose 2xx was already recorded.
    const duplicated = [...received].filter(([, n]) => n > 1).map(([id]) => id);
    const copies = target
      .posts()
      .map((p) => `${p.headers["x-okhook-delivery-id"]}#${p.headers["x-okhook-attempt"]}`);
    expect(copies.filter((c, i) => copies.indexOf(c) !== i)).toEqual([]);
    const recordedOk = new Map(
      query<{ id: string; ok: number }>(
        db,
        `SELECT d.id, SUM(a.status BETWEEN 200 AND 299) AS ok FROM deliveries d
         JOIN attempts a ON a.delivery_seq = d.seq GROUP BY d.seq`,
      ).map((r) => [r.id, r.ok]),
    );
    expect(duplicated.filter((id) => recordedOk.get(id) !== 1)).toEqual([]);
    expect([...recordedOk.values()].filter((ok) => ok > 1)).toEqual([]);
    const unacked = stored.size - acked.size;
    summary(
      `crash: ${ROUNDS} rounds, ${fmt(acked.size)} acked, ${fmt(acked.size - lost.length)} stored, ${lost.length} lost, ` +
        `${fmt(unacked)} stored but unacknowledged (cut by the kill), ${fmt(errors)} requests cut, ` +
        `${fmt(received.size)} forwarded, ${duplicated.length} sent twice (first copy cut by a kill before its answer was recorded)`,
    );
  });

  it("numbers the resend of a forward cut by kill -9 as attempt 2, and show tells the story", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home);
    // the first copy never gets an answer before the kill; the resend is answered at once
    const target = await startTarget("/hook", (_r, n) => ({
      status: 200,
      delayMs: n === 1 ? 60_000 : 0,
    }));
    const args = ["--db", db, "--forward-to", target.url];
    const l = await startListen(args, env);
    const { body } = twoEventDelivery();
    expect((await post(l.hookUrl, body)).status).toBe(200);
    await waitFor(() => target.posts().length === 1, { what: "the first copy at the app" });
    l.child.kill("SIGKILL");
    await l.exited;

    const again = await startListen(args, env);
    await waitFor(
      () => query(db, "SELECT 1 FROM deliveries WHERE forward_state = 'forwarded'").length === 1,
      { what: "the delivery forwarded after the restart" },
    );
    expect(await again.stop("SIGINT")).toBe(0);
    const sent = target.posts().map((p) => p.headers["x-okhook-attempt"]);
    expect(sent).toEqual(["1", "2"]);
    const id = String(target.posts()[0]!.headers["x-okhook-delivery-id"]);
    const shown = await runCli(["show", id, "--db", db], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/#1 forward .*interrupted: okhook stopped before the answer/);
    expect(shown.stdout).toMatch(/#2 forward .* 200 /);
  });
});
