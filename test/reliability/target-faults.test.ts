import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, killAll, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";
import { type FlakyMode, type FlakyTarget, startFlakyTarget } from "./flaky-target.js";
import { fmt, rssMiB, startLoad, summary } from "./support.js";

const DELIVERIES = 2_000;
const FORWARD_TIMEOUT_MS = 400;
/** Generous: a listener holding 2,000 deliveries in flight stays far below this. */
const RSS_LIMIT_MIB = 256;

let target: FlakyTarget | undefined;

afterEach(async () => {
  await killAll();
  await target?.close();
  target = undefined;
  cleanupTmp();
});

interface Phase {
  mode: FlakyMode;
  /** The phase is over once this holds (faults really happened, not just a timer ran out). */
  done: () => boolean;
}

/** Counts when a phase starts, so its condition asks for new faults, downs and answers. */
interface Base {
  oks: number;
  downs: number;
  ups: number;
  resets: number;
  timeouts: number;
  refused: number;
}

/** okhook's DOWN_AFTER_NETWORK_FAILURES: network failures in a row before a target is down. */
const DOWN_AFTER = 3;
/**
 * Refused attempts over the whole run. Each refuse phase costs the failures that mark the
 * target down plus the attempts already in flight (8 slots), not one delivery's retries after
 * another (thousands with --retries 8 before okhook tracked failures across deliveries).
 */
const REFUSED_LIMIT = 100;

describe("target faults: a flapping target during 2,000 deliveries", () => {
  it("forwards every delivery once the target is healthy, records every attempt, keeps memory bounded", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const t = await startFlakyTarget();
    target = t;
    const l = await startListen(
      [
        "--db",
        db,
        "--forward-to",
        t.url,
        "--forward-timeout",
        String(FORWARD_TIMEOUT_MS),
        "--retries",
        "8",
        "--retry-delay",
        "10",
        "--health-interval",
        "100",
      ],
      cliEnv(home),
    );
    const pid = l.child.pid!;
    let peakRss = rssMiB(pid) ?? 0;
    const errorsLike = (pattern: string) =>
      query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM attempts WHERE error LIKE ?", pattern)[0]!
        .n;
    const resets = () => errorsLike("connection reset%") + errorsLike("target stopped answering%");
    const timeouts = () => errorsLike("no answer within%");
    const refused = () => errorsLike("connection refused%");
    // Read on the raw NDJSON: parsing thousands of lines on every poll would slow the test.
    const health = () => [
      ...l
        .stdout()
        .matchAll(/"type":"target","target":"[^"]*","health":"(up|down)"(?:,"reason":"([^"]*)")?/g),
    ];
    const downs = () => health().filter((m) => m[1] === "down").length;
    /** Down since the phase began, because of this phase's fault (the reason okhook gave). */
    const wentDown = (b: Base, reason: RegExp) =>
      health()
        .filter((m) => m[1] === "down")
        .slice(b.downs)
        .some((m) => reason.test(m[2] ?? ""));
    const ups = () => health().filter((m) => m[1] === "up").length;
    const isUp = () => health().at(-1)?.[1] === "up";
    const pending = () =>
      query<{ n: number }>(
        db,
        "SELECT COUNT(*) AS n FROM deliveries WHERE forward_state = 'pending'",
      )[0]!.n;
    // A failing target is sent a few attempts, then marked down: deliveries wait for the health
    // probe instead of spending their retries. Each fault phase therefore ends once the faults
    // were seen by the target, recorded as attempts, and okhook marked the target down. The
    // HEAD probe fails in reset mode (the socket is destroyed before the headers go out) and
    // times out in hang mode, so okhook only sees the target up again once it answers: an `ok`
    // phase follows each fault and ends when the probe saw it up and everything that waited
    // went out. The next fault then starts with nothing in flight, so its own failures (not
    // forwards of the backlog cut when the port closes) are what mark the target down.
    const recovered = (b: Base): Phase => ({
      mode: "ok",
      done: () => isUp() && ups() > b.ups && t.okById.size >= b.oks + 50 && pending() === 0,
    });
    const phases: ((b: Base) => Phase)[] = [
      () => ({ mode: "500", done: () => t.seen["500"] >= 40 }),
      () => ({ mode: "slow", done: () => t.seen.slow >= 40 }),
      (b) => ({
        mode: "reset",
        done: () =>
          t.seen.reset >= DOWN_AFTER &&
          resets() >= b.resets + DOWN_AFTER &&
          wentDown(b, /^(connection reset|target stopped answering)/),
      }),
      recovered,
      (b) => ({
        mode: "hang",
        done: () =>
          t.seen.hang >= DOWN_AFTER &&
          timeouts() >= b.timeouts + DOWN_AFTER &&
          wentDown(b, /^no answer within/),
      }),
      recovered,
      (b) => ({
        mode: "refuse",
        done: () => refused() > b.refused && wentDown(b, /^connection refused/),
      }),
      recovered,
      (b) => ({
        mode: "refuse",
        done: () => refused() > b.refused && wentDown(b, /^connection refused/),
      }),
    ];
    const perPhase = Math.ceil(DELIVERIES / phases.length);
    let acked = 0;
    for (const [i, make] of phases.entries()) {
      const phase = make({
        oks: t.okById.size,
        downs: downs(),
        ups: ups(),
        resets: resets(),
        timeouts: timeouts(),
        refused: refused(),
      });
      await t.setMode(phase.mode);
      const load = startLoad({
        url: l.hookUrl,
        connections: 10,
        maxRequests: Math.min(perPhase, DELIVERIES - acked),
      });
      const r = await load.finished();
      acked += r.acked.size;
      expect(r.acked.size).toBe(r.sent);
      await waitFor(phase.done, { timeoutMs: 15_000, what: `phase ${i + 1} (${phase.mode})` });
      peakRss = Math.max(peakRss, rssMiB(pid) ?? 0);
    }
    expect(acked).toBe(DELIVERIES);

    await t.setMode("ok");
    await waitFor(
      () => {
        peakRss = Math.max(peakRss, rssMiB(pid) ?? 0);
        return (
          query<{ n: number }>(
            db,
            "SELECT COUNT(*) AS n FROM deliveries WHERE forward_state = 'forwarded'",
          )[0]!.n === DELIVERIES
        );
      },
      { timeoutMs: 25_000, what: "every delivery forwarded after the target recovered" },
    );
    expect(await l.stop("SIGTERM")).toBe(0);

    const ids = query<{ id: string }>(db, "SELECT id FROM deliveries").map((r) => r.id);
    expect(ids.filter((id) => !t.okById.has(id))).toEqual([]);
    const perDelivery = query<{ ok: number; n: number }>(
      db,
      `SELECT SUM(a.status BETWEEN 200 AND 299) AS ok, COUNT(a.id) AS n
       FROM deliveries d LEFT JOIN attempts a ON a.delivery_seq = d.seq GROUP BY d.seq`,
    );
    expect(perDelivery.filter((r) => r.ok !== 1)).toEqual([]);
    const attempts = perDelivery.reduce((sum, r) => sum + r.n, 0);
    const failures = {
      http500: query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM attempts WHERE status = 500")[0]!
        .n,
      reset: resets(),
      timeout: timeouts(),
      refused: refused(),
    };
    for (const [kind, n] of Object.entries(failures)) expect(n, kind).toBeGreaterThan(0);
    expect(attempts).toBe(DELIVERIES + Object.values(failures).reduce((a, b) => a + b, 0));
    // down in the reset, hang and both refuse phases, and up again after each
    expect(downs()).toBeGreaterThanOrEqual(4);
    expect(isUp()).toBe(true);
    expect(failures.refused).toBeLessThan(REFUSED_LIMIT);
    expect(peakRss).toBeLessThan(RSS_LIMIT_MIB);
    summary(
      `target faults: ${fmt(DELIVERIES)} deliveries, ${fmt(ids.length)} forwarded, 0 failed, ${fmt(attempts)} attempts ` +
        `(${failures.http500} × 500, ${failures.reset} resets, ${failures.timeout} timeouts, ${failures.refused} refused), ` +
        `${fmt(t.seen.slow)} slow answers, peak listener RSS ${peakRss.toFixed(0)} MiB`,
    );
  });
});
