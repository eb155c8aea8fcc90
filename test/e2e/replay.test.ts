import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { INTERRUPTED_ERROR } from "../../src/replay/replay-one.js";
import { cliEnv, killAll, runCli, startCli, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { envelope, logEvent, post } from "../helpers/payload.js";
import { closeStores, tempStore } from "../helpers/seed-store.js";
import { closeTargets, freePort, type Received, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";
import { seed } from "../replay/seed.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  closeStores();
  cleanupTmp();
});

const SECRET = "s3cret-for-tests";
const authorized = (req: Received) => ({
  status: req.headers.authorization === SECRET ? 200 : 401,
});

/** A DB file holding `n` deliveries, closed again so the CLI can open it. */
function seededDb(n: number): { db: string; home: string; ids: string[] } {
  const home = tmpDir();
  const { store, file } = tempStore(join(home, "okhook.db"));
  const ids = seed(store, n).map((d) => d.id);
  store.close();
  return { db: file, home, ids };
}

const ndjson = (s: string) =>
  s
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("okhook replay", () => {
  it("--failed after a flaky target re-sends exactly the failed ones, with the current secret", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home);
    const target = await startTarget("/hook", (_req, n) => ({ status: n % 3 === 0 ? 500 : 200 }));
    const l = await startListen(
      ["--db", db, "--forward-to", target.url, "--retries", "0", "--secret", SECRET],
      env,
    );
    for (let i = 0; i < 9; i++) {
      const r = await post(l.hookUrl, envelope([logEvent("user.lifecycle.create")]), {
        authorization: SECRET,
      });
      expect(r.status).toBe(200);
    }
    await waitFor(
      () =>
        query(db, "SELECT 1 FROM deliveries WHERE forward_state IN ('forwarded', 'failed')")
          .length === 9,
    );
    await l.stop();
    const failed = query<{ id: string }>(
      db,
      "SELECT id FROM deliveries WHERE forward_state = 'failed' ORDER BY seq",
    ).map((r) => r.id);
    expect(failed).toHaveLength(3);
    target.setAnswer(authorized);
    const before = target.posts().length;

    const r = await runCli(["replay", "--failed", "--db", db], { ...env, OKHOOK_SECRET: SECRET });

    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n").filter((s) => s.startsWith("✓"));
    expect(lines).toHaveLength(3);
    expect(r.stdout).toMatch(/Replayed 3 deliveries: all accepted/);
    const replayed = target.posts().slice(before);
    expect(replayed.map((p) => p.headers["x-okhook-replay-of"])).toEqual(failed);
    expect(replayed.every((p) => p.headers["x-okhook-replay"] === "true")).toBe(true);
    const attempts = query<{ id: string; kind: string; attempt: number; status: number }>(
      db,
      `SELECT d.id, a.kind, a.attempt, a.status FROM attempts a JOIN deliveries d ON d.seq = a.delivery_seq
        WHERE a.kind = 'replay' ORDER BY a.id`,
    );
    expect(attempts.map((a) => [a.id, a.attempt, a.status]).sort()).toEqual(
      failed.map((id) => [id, 2, 200]).sort(),
    );
    expect(query(db, "SELECT 1 FROM deliveries WHERE forward_state = 'failed'")).toHaveLength(0);

    const again = await runCli(["replay", "--failed", "--db", db], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No deliveries match/);
  });

  it("exit 1 when the app rejects (401 without the right auth header), 0 with it", async () => {
    const { db, home, ids } = seededDb(2);
    const target = await startTarget("/hook", authorized);
    const args = ["replay", ...ids, "--to", target.url, "--db", db];
    const denied = await runCli(args, cliEnv(home));
    expect(denied.code).toBe(1);
    expect(denied.stdout.split("\n").filter((s) => /^✗ +401/.test(s))).toHaveLength(2);
    expect(denied.stdout).toMatch(/0 accepted, 2 not accepted/);
    const allowed = await runCli(args, cliEnv(home, { OKHOOK_SECRET: SECRET }));
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).not.toContain(SECRET);
    expect(target.posts().map((p) => p.headers["x-okhook-attempt"])).toEqual(["1", "1", "2", "2"]);
  });

  it("exit 2 for usage errors: unknown id, no selection, bad --to, --all without --yes", async () => {
    const { db, home } = seededDb(1);
    const env = cliEnv(home);
    const cases: [string[], RegExp][] = [
      [["zzzzzzzz"], /"zzzzzzzz": no delivery or event with that id/],
      [[], /nothing selected.*--failed/],
      [["--all"], /--all: replaying 1 delivery needs --yes/],
      [["--all", "--to", "htp:/localhost"], /--to "htp:\/localhost": not an http\(s\) URL/],
      [["--failed", "--rate", "fast"], /--rate "fast"/],
      [["--all", "--yes", "--set", "nope"], /--set "nope": expected path=value/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(["replay", ...args, "--db", db], env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(query(db, "SELECT 1 FROM attempts")).toHaveLength(0);
  });

  it("exit 4 when the target is unreachable for every delivery", async () => {
    const { db, home, ids } = seededDb(2);
    const port = await freePort();
    const r = await runCli(
      ["replay", "--all", "--yes", "--to", `http://127.0.0.1:${port}/hook`, "--db", db],
      cliEnv(home),
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/unreachable for all 2 deliveries: connection refused/);
    expect(r.stderr).toMatch(/is your app running\?/);
    expect(query(db, "SELECT 1 FROM attempts WHERE kind = 'replay'")).toHaveLength(2);

    // Through a listener that has stopped: the hint names okhook listen, not the app.
    const { store } = tempStore(db);
    store.meta.set("listener.url", `http://127.0.0.1:${port}/okta/events`);
    store.close();
    const via = await runCli(
      ["replay", "--all", "--yes", "--via-listener", "--db", db],
      cliEnv(home),
    );
    expect(via.code).toBe(4);
    expect(via.stderr).toMatch(/that is okhook listen's URL: start okhook listen, or pass --to/);
    expect(via.stderr.trim().split("\n")).toHaveLength(1);

    // one delivery: no "all 1 deliveries"
    const one = await runCli(
      ["replay", ids[0]!, "--to", `http://127.0.0.1:${port}/hook`, "--db", db],
      cliEnv(home),
    );
    expect(one.code).toBe(4);
    expect(one.stderr).toMatch(/^okhook: replay target unreachable: connection refused/);
    expect(one.stdout).toMatch(/Replayed 1 delivery: 0 accepted, 1 unreachable/);
  });

  it("--dry-run sends and stores nothing; --json prints one parseable line per delivery", async () => {
    const { db, home, ids } = seededDb(2);
    const target = await startTarget();
    const env = cliEnv(home, { OKHOOK_SECRET: SECRET });
    const base = ["replay", "--all", "--yes", "--to", target.url, "--db", db];

    const dry = await runCli([...base, "--dry-run", "--set", "outcome.result=FAILURE"], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`POST ${target.url}`);
    expect(dry.stdout).toMatch(/x-okhook-replay: true/);
    expect(dry.stdout).toMatch(/authorization: \[secret\]/);
    expect(dry.stdout).toMatch(/Dry run: 2 deliveries would be replayed; nothing was sent/);
    const dryJson = ndjson((await runCli([...base, "--dry-run", "--json"], env)).stdout);
    expect(dryJson.map((p) => [p.dryRun, p.id, p.url])).toEqual(
      ids.map((id) => [true, id, target.url]),
    );
    expect(JSON.stringify(dryJson)).not.toContain(SECRET);
    expect(target.received).toHaveLength(0);
    expect(query(db, "SELECT 1 FROM attempts")).toHaveLength(0);
    expect(query(db, "SELECT 1 FROM deliveries")).toHaveLength(2);

    const sent = await runCli([...base, "--json", "--fresh-ids"], env);
    expect(sent.code).toBe(0);
    const results = ndjson(sent.stdout);
    expect(results.map((r) => [r.id, r.ok, r.status, r.edited])).toEqual(
      ids.map((id) => [id, true, 200, true]),
    );
    const copies = query<{ id: string; replay_of: string }>(
      db,
      "SELECT id, replay_of FROM deliveries WHERE kind = 'replay' ORDER BY seq",
    );
    expect(copies.map((c) => [c.id, c.replay_of])).toEqual(
      results.map((r) => [r.deliveryId, r.id]),
    );
  });

  it("--via-listener goes through okhook listen: auth checked, stored, forwarded", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const target = await startTarget();
    const l = await startListen(["--db", db, "--forward-to", target.url, "--secret", SECRET], {
      ...cliEnv(home),
    });
    await post(l.hookUrl, envelope([logEvent("user.lifecycle.create")]), {
      authorization: SECRET,
    });
    await waitFor(() => target.posts().length === 1);
    const id = query<{ id: string }>(db, "SELECT id FROM deliveries")[0]!.id;

    const ok = await runCli(
      ["replay", id, "--via-listener", "--db", db],
      cliEnv(home, { OKHOOK_SECRET: SECRET }),
    );
    expect(ok.code).toBe(0);
    await waitFor(() => target.posts().length === 2);
    const rows = query<{ kind: string; auth: string; headers: string }>(
      db,
      "SELECT kind, auth, headers FROM deliveries ORDER BY seq",
    );
    // stored as a replay: reconcile and wait never take okhook's re-send for Okta's delivery
    expect(rows.map((r) => [r.kind, r.auth])).toEqual([
      ["delivery", "ok"],
      ["replay", "ok"],
    ]);
    expect(JSON.parse(rows[1]!.headers)).toContainEqual(["x-okhook-replay-of", id]);
    const replayAttempt = query<{ target: string }>(
      db,
      "SELECT target FROM attempts WHERE kind = 'replay'",
    );
    expect(replayAttempt).toEqual([{ target: l.hookUrl }]);

    // Without --secret or OKHOOK_SECRET: the secret the listener was started with, kept beside
    // the database; a wrong one given explicitly still gets the listener's 401.
    const stored = await runCli(["replay", id, "--via-listener", "--db", db], cliEnv(home));
    expect(stored.stderr).toBe("");
    expect(stored.code).toBe(0);
    const wrong = await runCli(
      ["replay", id, "--via-listener", "--db", db],
      cliEnv(home, { OKHOOK_SECRET: "not-the-secret" }),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/✗ +401/);
    await l.stop();
  });

  it("Ctrl+C stops a long replay: exit 130, the attempts made so far are stored", async () => {
    const { db, home } = seededDb(200);
    const target = await startTarget("/hook", (_req, n) =>
      n <= 4 ? { status: 200 } : { status: 200, delayMs: 30_000 },
    );
    const p = startCli(
      ["replay", "--all", "--yes", "--to", target.url, "--concurrency", "2", "--db", db],
      cliEnv(home),
    );
    await waitFor(
      () =>
        target.posts().length >= 6 &&
        query(db, "SELECT 1 FROM attempts WHERE status = 200").length === 4,
    );
    const code = await p.stop("SIGINT");
    expect(code).toBe(130);
    expect(p.stderr()).toMatch(
      /^okhook: interrupted after \d+ of 200 deliveries; the attempts made are stored\n$/,
    );
    // said once: stdout keeps the results only
    expect(p.stdout()).not.toMatch(/interrupted after/i);
    const attempts = query<{ status: number | null; error: string | null }>(
      db,
      "SELECT status, error FROM attempts ORDER BY id",
    );
    expect(attempts.filter((a) => a.status === 200)).toHaveLength(4);
    expect(attempts.filter((a) => a.error === INTERRUPTED_ERROR)).toHaveLength(2);
    expect(attempts).toHaveLength(target.posts().length);
  });
});
