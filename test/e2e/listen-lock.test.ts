import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { shortId } from "../../src/store/ids.js";
import {
  cliEnv,
  cliHome,
  jsonEvents,
  killAll,
  runCli,
  startCli,
  startListen,
} from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { startFakeOkta } from "../helpers/fake-okta.js";
import { post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { itTmux, killTmux, TmuxSession } from "../helpers/tmux.js";
import { waitFor } from "../helpers/wait.js";

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  killTmux();
  await killAll();
  await closeTargets();
  for (const c of closers.splice(0)) await c();
  cleanupTmp();
});

/** The listener-lock row of a database, parsed (undefined when no listen holds it). */
function lockRow(db: string): { pid: number; url?: string } | undefined {
  const [r] = query<{ value: string }>(db, "SELECT value FROM meta WHERE key = 'listener.lock'");
  return r ? (JSON.parse(r.value) as { pid: number; url?: string }) : undefined;
}

const listenArgs = (db: string, ...more: string[]) => [
  "listen",
  "--tunnel",
  "none",
  "--port",
  "0",
  "--output",
  "compact",
  "--db",
  db,
  ...more,
];

/** The one stderr line a refused second listen prints. */
const inUse = (db: string, pid: number, url: string) =>
  `okhook: --db ${db}: in use by another okhook listen (pid ${pid}, ${url}); stop that listener, or pass --db <other file> to run a second one\n`;

describe("okhook listen: one listener per database", () => {
  it("refuses a second listen on the same database: exit 3, one line naming the db, pid and URL", async () => {
    const s = cliHome();
    const first = await startListen(["--db", s.db], s.env);
    const second = await runCli(listenArgs(s.db), s.env);
    expect(second.code).toBe(3);
    expect(second.stderr).toBe(inUse(s.db, first.child.pid!, first.hookUrl));
    expect(second.stdout).toBe("");
    // the first one is untouched and still holds the database
    expect((await post(first.hookUrl, twoEventDelivery().body)).status).toBe(200);
    expect(lockRow(s.db)?.pid).toBe(first.child.pid);
    // the fix the message names: another --db starts
    const other = await startListen(["--db", join(s.home, "other.db")], s.env);
    expect(await other.stop()).toBe(0);
    expect(await first.stop()).toBe(0);
  });

  it("two listens started at the same moment: one runs, the other exits 3; each pending delivery is forwarded once", async () => {
    const s = cliHome();
    // Deliveries stored while the app was down stay pending for the next listen.
    const down = `http://127.0.0.1:${await freePort()}/hook`;
    const capture = await startListen(["--db", s.db, "--forward-to", down], s.env);
    for (let i = 0; i < 5; i++)
      expect((await post(capture.hookUrl, twoEventDelivery().body)).status).toBe(200);
    expect(await capture.stop()).toBe(0);
    const pendingSql = "SELECT id FROM deliveries WHERE forward_state = 'pending'";
    expect(query(s.db, pendingSql)).toHaveLength(5);

    const target = await startTarget("/hook");
    const args = [...listenArgs(s.db, "--forward-to", target.url)];
    args[args.indexOf("compact")] = "json";
    const both = [startCli(args, s.env), startCli(args, s.env)];
    const loser = await Promise.race(both.map((p) => p.exited.then(() => p)));
    const winner = both.find((p) => p !== loser)!;
    expect(await loser.exited).toBe(3);
    await winner.waitOut(/"type":"listening"/);
    expect(loser.stderr()).toMatch(
      new RegExp(
        `^okhook: --db ${s.db}: in use by another okhook listen \\(pid ${winner.child.pid}, `,
      ),
    );
    expect(loser.stderr().trimEnd().split("\n")).toHaveLength(1);
    await waitFor(() => query(s.db, pendingSql).length === 0, { what: "pending forwarded" });
    expect(await winner.stop()).toBe(0);
    const sent = target.posts().map((r) => String(r.headers["x-okhook-delivery-id"]));
    expect(sent).toHaveLength(5);
    expect(new Set(sent).size).toBe(5);
    expect(jsonEvents(winner.stdout()).find((e) => e.type === "listening")).toMatchObject({
      resumed: 5,
    });
  });

  it("takes over the database from a listen killed with SIGKILL, with one quiet note", async () => {
    const s = cliHome();
    const killed = await startListen(["--db", s.db], s.env);
    killed.child.kill("SIGKILL");
    await killed.exited;
    expect(lockRow(s.db)?.pid).toBe(killed.child.pid); // left behind: nothing ran on the way out

    const next = await startListen(["--db", s.db], s.env);
    expect(jsonEvents(next.stdout()).find((e) => e.type === "listening")?.tookOver).toMatchObject({
      pid: killed.child.pid,
      reason: "exited",
    });
    expect(lockRow(s.db)?.pid).toBe(next.child.pid);
    next.child.kill("SIGKILL");
    await next.exited;

    const compact = startCli(listenArgs(s.db), s.env);
    await compact.waitOut(/Waiting for deliveries/);
    expect(compact.stdout()).toContain(
      `The last listen on this database (pid ${next.child.pid}) ended without a clean stop`,
    );
    expect(compact.stderr()).toBe("");
    expect(await compact.stop()).toBe(0);
    expect(lockRow(s.db)).toBeUndefined();
  });

  it("leaves the reading commands working while listen runs (deliveries, show, replay, reconcile)", async () => {
    const s = cliHome();
    const target = await startTarget("/hook");
    const l = await startListen(["--db", s.db, "--forward-to", target.url], s.env);
    expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
    await waitFor(() => target.posts().length === 1);
    const id = query<{ id: string }>(s.db, "SELECT id FROM deliveries")[0]!.id;

    const listed = await runCli(["deliveries", "--db", s.db, "--json"], s.env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    const shown = await runCli(["show", id, "--db", s.db, "--json"], s.env);
    expect(shown.code, shown.stderr).toBe(0);
    const replayed = await runCli(["replay", id, "--db", s.db, "--to", target.url], s.env);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(target.posts()).toHaveLength(2);

    const okta = await startFakeOkta();
    closers.push(() => okta.close());
    const reconciled = await runCli(
      ["reconcile", "--since", "1h", "--db", s.db, "--json"],
      cliEnv(s.home, { OKTA_ORG_URL: okta.url, OKTA_API_TOKEN: okta.token }),
    );
    // the two local events are not in the fake org's System Log: "unexpected", exit 1
    expect(reconciled.code, reconciled.stderr).toBe(1);
    expect(reconciled.stderr).not.toContain("in use");

    // none of them took or cleared the listener's claim; it keeps storing
    expect(lockRow(s.db)?.pid).toBe(l.child.pid);
    expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
    expect(await l.stop()).toBe(0);
  });

  itTmux(
    "okhook ui opens and quits while listen runs, and leaves the listener's claim",
    async () => {
      const s = cliHome();
      const l = await startListen(["--db", s.db], s.env);
      expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
      const id = query<{ id: string }>(s.db, "SELECT id FROM deliveries")[0]!.id;
      const tmux = new TmuxSession(s.home);
      tmux.start(["ui", "--db", s.db], { columns: 120, rows: 30, env: s.env });
      await tmux.see(shortId(id));
      tmux.keys("q");
      await tmux.see("[okhook exited 0]");
      expect(lockRow(s.db)?.pid).toBe(l.child.pid);
      expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
      expect(await l.stop()).toBe(0);
    },
  );

  it.each(["SIGINT", "SIGTERM"] as const)(
    "releases the database when stopped with %s",
    async (signal) => {
      const s = cliHome();
      const l = await startListen(["--db", s.db], s.env);
      expect(lockRow(s.db)).toMatchObject({ pid: l.child.pid, url: l.hookUrl });
      expect(await l.stop(signal)).toBe(0);
      expect(lockRow(s.db)).toBeUndefined();
      const next = await startListen(["--db", s.db], s.env);
      expect(jsonEvents(next.stdout()).find((e) => e.type === "listening")?.tookOver).toBe(
        undefined,
      );
      expect(await next.stop()).toBe(0);
    },
  );

  it("releases the database when start-up fails (port in use, required tunnel failing)", async () => {
    const s = cliHome();
    const first = await startListen(["--db", s.db], s.env);
    const other = join(s.home, "other.db");
    const taken = await runCli(
      ["listen", "--tunnel", "none", "--port", String(first.port), "--db", other],
      s.env,
    );
    expect(taken.code).toBe(4);
    expect(lockRow(other)).toBeUndefined();

    // The session is up when the explicitly requested tunnel fails: stop() releases it.
    const third = join(s.home, "third.db");
    const tunnel = await runCli(
      [
        "listen",
        "--tunnel",
        "quick",
        "--cloudflared",
        join(s.home, "no-such-cloudflared"),
        "--port",
        "0",
        "--output",
        "compact",
        "--db",
        third,
      ],
      s.env,
    );
    expect(tunnel.code, tunnel.stderr).toBe(4);
    expect(query(third, "SELECT 1 FROM meta WHERE key = 'listener.url'")).toHaveLength(1);
    expect(lockRow(third)).toBeUndefined();
    expect(await first.stop()).toBe(0);
  });
});
