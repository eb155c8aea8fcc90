import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, cliEnv, killAll, runCli, runSh, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { FAKE_CLOUDFLARED, fakeCloudflaredEnv } from "../helpers/fake-cloudflared.js";
import { type FakeOkta, startFakeOkta } from "../helpers/fake-okta.js";
import { envelope, logEvent, post } from "../helpers/payload.js";
import { closeTargets, type Received, startTarget, type Target } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

let fake: FakeOkta | undefined;
afterEach(async () => {
  await killAll();
  await closeTargets();
  await fake?.close();
  fake = undefined;
  cleanupTmp();
});

const SECRET = "given-hook-secret-7c1e";
const CREATE = "user.lifecycle.create";

/** The consumer app of the seed: 401 unless the authorization header is exactly `expected()`. */
function checkingApp(expected: () => string | undefined): Promise<Target> {
  return startTarget("/hooks", (req: Received) => ({
    status: req.headers.authorization === expected() ? 200 : 401,
  }));
}

/** `okhook` on PATH, as after `npm install -g okhook`: what a pasted `$(okhook secret)` runs. */
function pathWithOkhook(home: string): string {
  const dir = join(home, "bin");
  mkdirSync(dir, { recursive: true });
  const shim = join(dir, "okhook");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(shim, 0o755);
  return `${dir}:${process.env.PATH}`;
}

const HOW: {
  name: string;
  args: string[];
  env: (home: string) => Record<string, string>;
}[] = [
  { name: "--secret", args: ["--secret", SECRET], env: () => ({}) },
  { name: "OKHOOK_SECRET", args: [], env: () => ({ OKHOOK_SECRET: SECRET }) },
  {
    name: "generated (tunneled, --port 0)",
    args: ["--tunnel", "quick"],
    env: (home) => ({
      OKHOOK_CLOUDFLARED: FAKE_CLOUDFLARED,
      ...fakeCloudflaredEnv("ok", { stateDir: join(home, "cf") }),
    }),
  },
];

describe("re-sends carry the auth the app expects, without passing the secret again", () => {
  for (const how of HOW) {
    it(`secret ${how.name}: replay, show --curl, reconcile --replay-missing and okhook secret`, async () => {
      const home = tmpDir();
      const db = join(home, "okhook.db");
      let expected: string | undefined = how.args.includes("--secret") ? SECRET : undefined;
      expected ??= how.name === "OKHOOK_SECRET" ? SECRET : undefined;
      const app = await checkingApp(() => expected);
      const l = await startListen(
        ["--db", db, "--forward-to", app.url, "--retries", "0", ...how.args],
        cliEnv(home, how.env(home)),
      );
      // From here on nothing is given: a new shell, no flag, no OKHOOK_SECRET.
      const env = cliEnv(home);
      const printed = await runCli(["secret", "--db", db], env);
      expect(printed.stderr).toBe("");
      expect(printed.code).toBe(0);
      expected ??= printed.stdout.trim();
      expect(printed.stdout).toBe(`${expected}\n`);
      expect(expected).toMatch(/^\S{16,}$/);
      const res = await post(l.hookUrl, envelope([logEvent(CREATE)]), { authorization: expected });
      expect(res.status).toBe(200);
      await waitFor(() => app.posts().length === 1);
      expect(app.posts()[0]!.headers.authorization).toBe(expected);
      expect(await l.stop()).toBe(0);
      const id = query<{ id: string }>(db, "SELECT id FROM deliveries")[0]!.id;

      const replay = await runCli(["replay", id, "--db", db], env);
      expect(replay.stderr).toBe("");
      expect(replay.code).toBe(0);
      expect(app.posts()[1]!.headers.authorization).toBe(expected);

      const curl = await runCli(["show", id, "--curl", "--to", app.url, "--db", db], env);
      expect(curl.code).toBe(0);
      expect(curl.stdout).not.toContain(expected);
      expect(curl.stdout).toContain("$(okhook secret --db");
      expect(await runSh(curl.stdout, { ...env, PATH: pathWithOkhook(home) })).toBe(0);
      await waitFor(() => app.posts().length === 3);
      expect(app.posts()[2]!.headers.authorization).toBe(expected);

      fake = await startFakeOkta();
      const [missing] = fake.addLogEvents([
        { eventType: CREATE, published: new Date(Date.now() - 60_000).toISOString() },
      ]);
      const okta = { OKTA_ORG_URL: fake.url, OKTA_API_TOKEN: fake.token };
      const backfill = await runCli(
        ["reconcile", "--since", "30m", "--replay-missing", "--db", db],
        cliEnv(home, okta),
      );
      expect(backfill.stdout).toMatch(/1 of 1 event accepted/);
      expect(backfill.code).toBe(1); // it was missing: reported, and now sent
      const last = app.posts().at(-1)!;
      expect(last.body.toString()).toContain(String(missing!.uuid));
      expect(last.headers.authorization).toBe(expected);

      // The value is gone from this machine: every re-send stops before sending, exit 3.
      rmSync(`${db}.secrets.json`);
      const sent = app.posts().length;
      for (const args of [
        ["replay", id, "--db", db],
        ["reconcile", "--since", "30m", "--replay-missing", "--db", db],
        ["secret", "--db", db],
      ]) {
        const r = await runCli(args, cliEnv(home, okta));
        expect(r.code, args[0]).toBe(3);
        expect(r.stderr, args[0]).toMatch(/^okhook: the listener on .* not stored here .*\n$/);
      }
      expect(app.posts()).toHaveLength(sent);
    });
  }

  it("--forward-auth: its value to the app, the secret to the listener; none sends no header", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home);
    const app = await checkingApp(() => "app-token");
    const l = await startListen(
      ["--db", db, "--forward-to", app.url, "--secret", SECRET, "--forward-auth", "app-token"],
      env,
    );
    await post(l.hookUrl, envelope([logEvent(CREATE)]), { authorization: SECRET });
    await waitFor(() => app.posts().length === 1);
    const id = query<{ id: string }>(db, "SELECT id FROM deliveries")[0]!.id;
    // OKHOOK_SECRET is the hook secret: it never replaces the app's own value.
    const toApp = await runCli(["replay", id, "--db", db], cliEnv(home, { OKHOOK_SECRET: SECRET }));
    expect(toApp.code).toBe(0);
    expect(app.posts()[1]!.headers.authorization).toBe("app-token");
    const viaListener = await runCli(["replay", id, "--via-listener", "--db", db], env);
    expect(viaListener.code).toBe(0);
    await waitFor(() => app.posts().length === 3);
    const forward = await runCli(["secret", "--forward", "--json", "--db", db], env);
    expect(JSON.parse(forward.stdout)).toEqual({
      header: "authorization",
      value: "app-token",
      source: "--forward-auth",
      db,
    });
    // Not the listener nor its app: the listener's values stay home, and the user is told.
    const elsewhere = await startTarget("/x");
    const other = await runCli(["replay", id, "--to", elsewhere.url, "--db", db], env);
    expect(other.code).toBe(0);
    expect(other.stderr).toMatch(/^okhook: note: .* sending without authorization .*\n$/);
    expect(elsewhere.posts()[0]!.headers.authorization).toBeUndefined();
    await l.stop();

    const open = await startTarget("/hooks", (req) => ({
      status: req.headers.authorization === undefined ? 200 : 401,
    }));
    const dropped = await startListen(
      ["--db", db, "--forward-to", open.url, "--secret", SECRET, "--forward-auth", "none"],
      env,
    );
    await post(dropped.hookUrl, envelope([logEvent(CREATE)]), { authorization: SECRET });
    await waitFor(() => open.posts().length === 1);
    await dropped.stop();
    const ids = query<{ id: string }>(db, "SELECT id FROM deliveries ORDER BY seq DESC LIMIT 1");
    const none = await runCli(["replay", ids[0]!.id, "--db", db], env);
    expect(none.stderr).toBe("");
    expect(none.code).toBe(0);
    expect(open.posts()[1]!.headers.authorization).toBeUndefined();
  });

  it("okhook secret: one line and exit 3 with the fix when there is no secret to print", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home);
    const none = await runCli(["secret", "--db", db], env);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^okhook: --db .*: no such database .*\n$/);
    const fresh = await runCli(["secret"], env);
    expect(fresh.code).toBe(3);
    expect(fresh.stderr).toMatch(/^okhook: no secret recorded for .*: start okhook listen .*\n$/);
    const l = await startListen(["--db", db], env);
    await l.stop();
    const open = await runCli(["secret", "--db", db], env);
    expect(open.code).toBe(3);
    expect(open.stdout).toBe("");
    expect(open.stderr).toMatch(
      /^okhook: the listener on .* has no secret and accepts any request: start okhook listen with --secret <value> or OKHOOK_SECRET .*\n$/,
    );
    const given = await startListen(["--db", db, "--secret", SECRET], env);
    const json = await runCli(["secret", "--json", "--db", db], env);
    expect(JSON.parse(json.stdout)).toEqual({
      header: "authorization",
      value: SECRET,
      source: "--secret",
      db,
    });
    await given.stop();
    expect(existsSync(`${db}.secrets.json`)).toBe(true);
    for (const f of [db, `${db}-wal`].filter(existsSync))
      expect(readFileSync(f).includes(SECRET), f).toBe(false);
  });
});
