import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { shortId } from "../../src/store/ids.js";
import { cliEnv, killAll, type RunAs, runCli, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { type FakeOkta, startFakeOkta } from "../helpers/fake-okta.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { killTmux, runTmuxTests, TmuxSession } from "../helpers/tmux.js";
import { oneLine } from "./storage-support.js";
import { summary } from "./support.js";

/** The database and its side files (-wal, -shm, journals); the 0600 secrets file is not one. */
function dbFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => !f.endsWith(".secrets.json"));
}

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
/**
 * Root ignores permission bits, so as root the commands run as nobody (uid 65534); as any
 * other user they run as that user. Either way the directory really is read-only to them.
 */
const reader: RunAs = isRoot ? { uid: NOBODY, gid: NOBODY } : {};
const canDrop =
  !isRoot || spawnSync(process.execPath, ["-e", ""], { uid: NOBODY, gid: NOBODY }).status === 0;
const hasSetpriv = spawnSync("setpriv", ["--version"]).status === 0;

const SECRET = "readonly-dir-secret-value";
const CREATE = "user.lifecycle.create";
const figures: string[] = [];
let fake: FakeOkta | undefined;
const locked: string[] = [];

afterAll(() => {
  summary(`read-only directory${isRoot ? " (as nobody)" : ""}: ${figures.join("; ")}`);
});

afterEach(async () => {
  killTmux();
  await killAll();
  await fake?.close();
  fake = undefined;
  for (const d of locked.splice(0)) chmodSync(d, 0o755);
  cleanupTmp();
});

/** A database written by a real listen: Okta's verification and one delivery of two events. */
async function storedDb() {
  const home = tmpDir();
  const dir = join(home, "data");
  const db = join(dir, "okhook.db");
  fake = await startFakeOkta({ deliveryTimeoutMs: 1000 });
  const env = cliEnv(home, { OKTA_ORG_URL: fake.url, OKTA_API_TOKEN: fake.token });
  const l = await startListen(["--db", db, "--secret", SECRET], env);
  const created = fake.hooks.create({
    name: "okhook dev",
    events: { type: "EVENT_TYPE", items: [CREATE] },
    channel: {
      type: "HTTP",
      version: "1.0.0",
      config: {
        uri: l.hookUrl,
        authScheme: { type: "HEADER", key: "Authorization", value: SECRET },
      },
    },
  });
  expect((await fake.hooks.verify((created.body as { id: string }).id)).status).toBe(200);
  const sent = await fake.deliver({ events: [{ eventType: CREATE }, { eventType: CREATE }] });
  expect(sent.deliveries.every((d) => d.ok)).toBe(true);
  const ids = query<{ id: string }>(db, "SELECT id FROM deliveries ORDER BY seq").map((r) => r.id);
  return { home, dir, db, env, l, ids };
}

/** Make the directory (and the files in it) readable, but not writable, by the reader. */
function readOnlyDir(home: string, dir: string): void {
  chmodSync(home, 0o755);
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
  chmodSync(dir, 0o555);
  locked.push(dir);
}

const run = (args: string[], env: NodeJS.ProcessEnv) => runCli(args, env, undefined, reader);

describe.skipIf(!canDrop)("a database in a read-only directory", () => {
  it("deliveries, show and reconcile read it; listen and replay say in words that writing is needed (exit 3)", async () => {
    const s = await storedDb();
    expect(await s.l.stop()).toBe(0);
    readOnlyDir(s.home, s.dir);

    const list = await run(["deliveries", "--db", s.db, "--json"], s.env);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((r) => r.id)).toEqual(
      [...s.ids].reverse(),
    );
    const shown = await run(["show", shortId(s.ids.at(-1)!), "--db", s.db, "--json"], s.env);
    expect(shown.code, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as { id: string }).id).toBe(s.ids.at(-1));
    const rec = await run(["reconcile", "--since", "1h", "--db", s.db], s.env);
    expect(rec.stderr).toBe("");
    expect(rec.code, rec.stdout).toBe(0);
    const dry = await run(
      ["replay", s.ids.at(-1)!, "--to", "http://127.0.0.1:9/x", "--dry-run", "--db", s.db],
      s.env,
    );
    expect(dry.code, dry.stderr).toBe(0);

    const readOnly = new RegExp(
      `^okhook: --db ${s.db}: the database is read-only here \\(its directory ${s.dir} is not writable\\) and this command writes to it; make ${s.dir} writable, or copy it somewhere writable and pass --db <copy>$`,
    );
    const replay = await run(
      ["replay", s.ids.at(-1)!, "--to", "http://127.0.0.1:9/x", "--db", s.db],
      s.env,
    );
    expect(replay.code).toBe(3);
    expect(oneLine(replay.stderr)).toMatch(readOnly);
    const listen = await run(
      ["listen", "--tunnel", "none", "--port", "0", "--output", "compact", "--db", s.db],
      s.env,
    );
    expect(listen.code).toBe(3);
    expect(oneLine(listen.stderr)).toMatch(readOnly);
    const backfill = await run(["reconcile", "--since", "1h", "--replay-missing", "--db", s.db], {
      ...s.env,
      OKHOOK_SECRET: SECRET,
    });
    expect(backfill.code).toBe(3);
    expect(oneLine(backfill.stderr)).toMatch(readOnly);
    expect(dbFiles(s.dir)).toEqual(["okhook.db"]);
    figures.push(
      "cleanly closed: deliveries/show/reconcile/replay --dry-run read it, listen/replay/reconcile --replay-missing exit 3 in words",
    );
  });

  it("reads a database left behind with its -wal and -shm (killed listener) and one left in WAL mode without them", async () => {
    const s = await storedDb();
    s.l.child.kill("SIGKILL");
    await s.l.exited;
    expect(existsSync(`${s.db}-wal`)).toBe(true);
    readOnlyDir(s.home, s.dir);
    const list = await run(["deliveries", "--db", s.db, "--json"], s.env);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(s.ids.length);

    // -wal without -shm: the recent writes cannot be read safely; said in words.
    chmodSync(s.dir, 0o755);
    rmSync(`${s.db}-shm`);
    chmodSync(s.dir, 0o555);
    const noShm = await run(["deliveries", "--db", s.db], s.env);
    expect(noShm.code).toBe(3);
    expect(oneLine(noShm.stderr)).toMatch(
      /cannot be read here: its write-ahead log \(.*-wal\) holds recent writes but SQLite cannot create .*-shm beside it \(its directory .* is not writable\); make the directory writable once/,
    );

    // An older okhook left every database in WAL mode at rest, with no -wal beside it.
    chmodSync(s.dir, 0o755);
    const legacy = new Database(s.db);
    legacy.pragma("journal_mode = WAL");
    legacy.close();
    expect(dbFiles(s.dir)).toEqual(["okhook.db"]);
    readOnlyDir(s.home, s.dir);
    const shown = await run(["show", s.ids.at(-1)!, "--db", s.db, "--json"], s.env);
    expect(shown.code, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as { id: string }).id).toBe(s.ids.at(-1));
    figures.push(
      "left with -wal/-shm or in WAL mode without them: read; -wal without -shm: exit 3 in words",
    );
  });

  it.skipIf(!runTmuxTests || (isRoot && !hasSetpriv))(
    "okhook ui browses it; r says the database is read-only instead of replaying",
    async () => {
      const s = await storedDb();
      expect(await s.l.stop()).toBe(0);
      readOnlyDir(s.home, s.dir);
      const tmux = new TmuxSession(tmpDir());
      tmux.start(["ui", "--db", s.db], {
        columns: 120,
        rows: 30,
        env: s.env,
        prefix: isRoot
          ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"]
          : [],
      });
      await tmux.see((screen) => s.ids.every((id) => screen.includes(shortId(id))));
      tmux.keys("r");
      await tmux.see(/replay not sent: --db .*: the database is read-only here \(its directory/);
      tmux.keys("q");
      await tmux.see("[okhook exited 0]");
      expect(dbFiles(s.dir)).toEqual(["okhook.db"]);
      figures.push("ui browses it, r explains");
    },
  );
});
