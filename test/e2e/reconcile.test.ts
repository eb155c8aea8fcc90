import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliEnv, killAll, runCli, startCli, startListen } from "../helpers/cli.js";
import { query, setMeta } from "../helpers/db.js";
import { type FakeOkta, startFakeOkta } from "../helpers/fake-okta.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

let fake: FakeOkta;
let home: string;
let db: string;

beforeEach(async () => {
  fake = await startFakeOkta({ deliveryTimeoutMs: 1000 });
  home = tmpDir();
  db = join(home, "okhook.db");
});

afterEach(async () => {
  await killAll();
  await fake.close();
  cleanupTmp();
});

const CREATE = "user.lifecycle.create";
const ADD = "group.user_membership.add";
const SECRET = "s3cret-hook-value";

function oktaEnv(extra: Record<string, string | undefined> = {}) {
  return cliEnv(home, { OKTA_ORG_URL: fake.url, OKTA_API_TOKEN: fake.token, ...extra });
}

/** An ACTIVE + VERIFIED hook in the fake org pointing at the listener. */
async function registerHook(uri: string): Promise<string> {
  const created = fake.hooks.create({
    name: "okhook dev",
    events: { type: "EVENT_TYPE", items: [CREATE, ADD] },
    channel: {
      type: "HTTP",
      version: "1.0.0",
      config: { uri, authScheme: { type: "HEADER", key: "Authorization", value: SECRET } },
    },
  });
  const id = (created.body as { id: string }).id;
  const verified = await fake.hooks.verify(id);
  expect(verified.status).toBe(200);
  return id;
}

describe("okhook reconcile (built CLI against a fake Okta)", () => {
  it("after listen was down: reports what Okta emitted meanwhile (a type never received too), backfills it, then says in sync despite Okta's duplicates and failure notes", async () => {
    const args = ["--db", db, "--secret", SECRET];
    const first = await startListen(args, cliEnv(home));
    const hookId = await registerHook(first.hookUrl);
    // at-least-once: Okta sends this batch twice, and both copies arrive
    const before = await fake.deliver({ events: [{ eventType: CREATE }], duplicate: true });
    expect(before.deliveries.every((d) => d.ok)).toBe(true);
    expect(await first.stop()).toBe(0);
    // what `listen --register` remembers for this org
    setMeta(db, `okta.hookId:${fake.url}`, hookId);

    // ADD never arrived at all before: only the hook's subscription says it is expected
    const during = await fake.deliver({
      events: [{ eventType: CREATE }, { eventType: ADD }, { eventType: CREATE }],
    });
    expect(during.deliveries.some((d) => d.ok)).toBe(false);
    const missing = during.events.map((e) => String(e.uuid));
    const listen = await startListen([...args, "--port", String(first.port)], cliEnv(home));

    const run1 = await runCli(
      ["reconcile", "--since", "2h", "--replay-missing", "--db", db],
      oktaEnv({ OKHOOK_SECRET: SECRET }),
    );
    expect(run1.stderr).toBe("");
    expect(run1.code).toBe(1);
    expect(run1.stdout).toContain(
      `Compared: the 2 event types hook ${hookId} is subscribed to, read from Okta (hook id remembered by okhook listen --register)`,
    );
    expect(run1.stdout).toMatch(/missing\s+3\b/);
    expect(run1.stdout).toMatch(/delivery failures\s+1\b/);
    const missingSection = run1.stdout.split("Missing —")[1]!.split("\n\n")[0]!;
    for (const uuid of missing) expect(missingSection).toContain(uuid);
    for (const e of before.events) expect(missingSection).not.toContain(String(e.uuid));
    expect(run1.stdout).toMatch(/Backfill: 3 missing events sent in 1 delivery/);
    expect(run1.stdout).toMatch(/3 of 3 events accepted/);

    // stored once, by the listener, as a backfill that passed its auth check
    const rows = query<{ uuid: string; kind: string; auth: string }>(
      db,
      `SELECT e.uuid, d.kind, d.auth FROM events e JOIN deliveries d ON d.seq = e.delivery_seq
       WHERE e.uuid IN (${missing.map(() => "?").join(",")})`,
      ...missing,
    );
    expect(rows.map((r) => r.uuid).sort()).toEqual([...missing].sort());
    expect(rows.every((r) => r.kind === "backfill" && r.auth === "ok")).toBe(true);

    // README: "a second run then says in sync"
    const run2 = await runCli(["reconcile", "--since", "2h", "--db", db], oktaEnv());
    expect(run2.stderr).toBe("");
    expect(run2.code).toBe(0);
    expect(run2.stdout).toContain(
      "✓ In sync: all 4 System Log events in the window were received. Also reported: 1 duplicated (Okta delivers at least once), 1 Okta delivery failure (--strict counts these).",
    );
    const json = await runCli(["reconcile", "--since", "2h", "--db", db, "--json"], oktaEnv());
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      inSync: true,
      hookId,
      hookFrom: "database",
      selection: { source: "hook", types: [ADD, CREATE] },
      counts: { inLog: 4, received: 4, missing: 0, duplicated: 1, deliveryFailures: 1 },
    });
    const strict = await runCli(["reconcile", "--since", "2h", "--db", db, "--strict"], oktaEnv());
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      /✗ Not in sync \(--strict\): 1 duplicated .*1 Okta delivery failure\./,
    );
    await listen.stop();
  });

  it("piped, says on stderr each wait on Okta: what for and how long", async () => {
    const published = new Date(Date.now() - 60_000).toISOString();
    fake.addLogEvents([{ eventType: CREATE, published }]);
    fake.inject({ kind: "rate-limit", resetInSeconds: 1 }, { path: "/api/v1/logs" });
    fake.inject({ kind: "server-error", status: 503 }, { path: "/api/v1/logs" });
    const r = await runCli(["reconcile", "--since", "30m"], oktaEnv());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^okhook: rate limited by Okta \(429\) on \/api\/v1\/logs: waiting \d\.\d s \(X-Rate-Limit-Reset\)\nokhook: Okta answered 503 on \/api\/v1\/logs: retry 1\/3 in 0\.\d s\n$/,
    );
    expect(r.stdout).toMatch(/missing\s+1\b/);
  });

  it("prints the full report as JSON and exits 1 on differences", async () => {
    const published = new Date(Date.now() - 60_000).toISOString();
    const [event] = fake.addLogEvents([{ eventType: CREATE, published }]);
    // no database yet (default location): everything in the log is missing
    const r = await runCli(["reconcile", "--since", "30m", "--json"], oktaEnv());
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      inSync: false,
      org: fake.url,
      selection: { source: "all", types: null },
      counts: { missing: 1 },
      missing: [{ uuid: event!.uuid, eventType: CREATE, displayMessage: "Create Okta user" }],
    });
  });

  it("exits 3 without an org, a token or the named database; 2 for a plain-http org or no --since", async () => {
    const noOrg = await runCli(
      ["reconcile", "--since", "2h"],
      cliEnv(home, { OKTA_API_TOKEN: "x" }),
    );
    expect(noOrg.code).toBe(3);
    expect(noOrg.stderr).toMatch(/^okhook: no Okta org: .*OKTA_ORG_URL\n$/);
    const noToken = await runCli(
      ["reconcile", "--since", "2h"],
      cliEnv(home, { OKTA_ORG_URL: fake.url }),
    );
    expect(noToken.code).toBe(3);
    expect(noToken.stderr).toMatch(/OKTA_API_TOKEN.*OKTA_ACCESS_TOKEN/);
    const http = await runCli(
      ["reconcile", "--since", "2h", "--org", "http://dev-123.okta.com"],
      oktaEnv(),
    );
    expect(http.code).toBe(2);
    expect(http.stderr).toMatch(/--org "http:\/\/dev-123.okta.com": https is required/);
    const noDb = await runCli(["reconcile", "--since", "2h", "--db", db], oktaEnv());
    expect(noDb.code).toBe(3);
    expect(noDb.stderr).toMatch(/--db .*: no such database/);
    const noSince = await runCli(["reconcile"], oktaEnv());
    expect(noSince.code).toBe(2);
    expect(fake.requests).toHaveLength(0);
  });

  it("exits 5 on a bad token (naming the variable, never the value) and on an HTML answer", async () => {
    const token = "00secretTokenValueXYZ";
    const bad = await runCli(["reconcile", "--since", "2h"], oktaEnv({ OKTA_API_TOKEN: token }));
    expect(bad.code).toBe(5);
    expect(bad.stderr).toMatch(/^okhook: Okta answered 401 E0000011: .*OKTA_API_TOKEN.*\n$/);
    expect(bad.stderr + bad.stdout).not.toContain(token);
    fake.inject({ kind: "html" }, { path: "/api/v1/logs" });
    const html = await runCli(["reconcile", "--since", "2h"], oktaEnv());
    expect(html.code).toBe(5);
    expect(html.stderr).toMatch(/non-JSON body \(is --org right\?\)/);
  });

  it("exits 130 when interrupted while Okta is slow", async () => {
    fake.inject({ kind: "slow", delayMs: 20_000 }, { path: "/api/v1/logs" });
    const p = startCli(["reconcile", "--since", "2h"], oktaEnv());
    await waitFor(() => fake.requests.length > 0, { what: "the System Log request" });
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(130);
    expect(p.stderr()).toBe("okhook: interrupted\n");
  });
});
