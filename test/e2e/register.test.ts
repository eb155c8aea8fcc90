import { afterEach, describe, expect, it } from "vitest";
import { jsonEvents, killAll, runCli, startCli } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { readFakeProxy } from "../helpers/fake-cloudflared.js";
import type { FakeOkta } from "../helpers/fake-okta.js";
import { closeOktaRigs, startOktaBehindTunnel } from "../helpers/okta-rig.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  await closeOktaRigs();
  cleanupTmp();
});

type Hook = {
  id: string;
  name: string;
  status: string;
  verificationStatus: string;
  channel: { config: { uri: string } };
};
const hooks = (fake: FakeOkta) => fake.hooks.list().body as Hook[];

/** `listen --register` for user.lifecycle.* with JSON session events, then `extra`. */
const registerArgs = (db: string, ...extra: string[]) => [
  ...["listen", "--register", "--port", "0", "--output", "json", "--db", db],
  ...["--events", "user.lifecycle.*", ...extra],
];

describe("okhook listen --register", () => {
  it("creates, verifies and activates the hook; Okta's deliveries flow through the tunnel to the app; exit deactivates; a second run re-uses it", async () => {
    const { fake, db, env } = await startOktaBehindTunnel();
    const target = await startTarget();
    const args = registerArgs(db, "--forward-to", target.url);
    const p = startCli(args, env);
    await p.waitOut(/"type":"hook"/, 20_000);
    const [hook] = hooks(fake);
    expect(hook).toMatchObject({ status: "ACTIVE", verificationStatus: "VERIFIED" });
    expect(hook!.name).toMatch(/^okhook /);
    const ready = jsonEvents(p.stdout()).find(
      (e) => e.type === "tunnel" && e.state === "ready",
    ) as unknown as { hookUrl: string };
    expect(hook!.channel.config.uri).toBe(ready.hookUrl);
    expect(query(db, "SELECT kind FROM deliveries")).toContainEqual({ kind: "verification" });

    const { events } = await fake.deliver({
      events: [{ eventType: "user.lifecycle.create" }, { eventType: "user.lifecycle.activate" }],
    });
    await waitFor(() => target.posts().length === 1);
    const got = JSON.parse(target.posts()[0]!.body.toString()) as {
      data: { events: { uuid: string }[] };
    };
    expect(got.data.events.map((e) => e.uuid)).toEqual(events.map((e) => e.uuid));
    expect(query(db, "SELECT auth FROM deliveries WHERE kind = 'delivery'")).toEqual([
      { auth: "ok" },
    ]);

    expect(await p.stop("SIGINT")).toBe(0);
    expect(hooks(fake)[0]).toMatchObject({ status: "INACTIVE" });

    const p2 = startCli(args, env);
    await p2.waitOut(/"type":"hook"/, 20_000);
    const after = hooks(fake);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      id: hook!.id,
      status: "ACTIVE",
      verificationStatus: "VERIFIED",
    });
    expect(after[0]!.channel.config.uri).not.toBe(hook!.channel.config.uri);
    await p2.stop("SIGTERM");
  });

  it("exits 5 with Okta's errorSummary on a 401, and 3 without credentials", async () => {
    const { db, env } = await startOktaBehindTunnel({
      env: { OKTA_API_TOKEN: "wrong-token-value" },
    });
    const r = await runCli(
      ["listen", "--register", "--port", "0", "--db", db, "--output", "compact"],
      env,
    );
    expect(r.code).toBe(5);
    // progress lines first (what it waits for), the error last and once
    const lines = r.stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^okhook: Okta answered 401/);
    expect(lines.filter((l) => /Okta answered 401/.test(l))).toHaveLength(1);
    expect(r.stderr).toMatch(/OKTA_API_TOKEN/);
    expect(r.stderr + r.stdout).not.toContain("wrong-token-value");
    const none = await runCli(["listen", "--register", "--port", "0", "--db", db], {
      ...env,
      OKTA_API_TOKEN: undefined,
      OKTA_ORG_URL: undefined,
    });
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/--org|OKTA_ORG_URL/);
  });

  it("ends with a clear message when Okta can never verify the URL", async () => {
    const { db, env } = await startOktaBehindTunnel({ deadPort: await freePort() });
    const r = await runCli(
      [
        "listen",
        "--register",
        "--verify-timeout",
        "1500",
        "--port",
        "0",
        "--db",
        db,
        "--output",
        "compact",
      ],
      env,
    );
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(
      /Okta could not verify https:\/\/[a-z0-9-]+\.trycloudflare\.com\/okta\/events within 2 s/,
    );
    expect(r.stderr).toMatch(/okhook send verify --to/);
  });
});

describe("okhook listen --register: Ctrl+C wins over a registration in flight", () => {
  const requestsAfter = (fake: FakeOkta, i: number, re: RegExp) =>
    fake.requests.slice(i).filter((r) => re.test(`${r.method} ${r.path}`));

  it("while Okta cannot verify yet: says what it waits for, stops at once, and the hook ends inactive", async () => {
    const { fake, db, env } = await startOktaBehindTunnel({ deadPort: await freePort() });
    const p = startCli(registerArgs(db), env);
    // a line per wait on a non-terminal stderr: what, and for how long at most
    await waitFor(
      () =>
        /Okta could not verify \S+ yet; retrying in \d+ s \(\d+ s of up to 60 s\)/.test(p.stderr()),
      {
        what: "a verify wait on stderr",
      },
    );
    expect(p.stderr()).toMatch(
      /okhook: asking Okta to verify https:\/\/\S+ \(attempt 1; retried for up to 60 s/,
    );
    const startedAt = Date.now();
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(0);
    // not the rest of the 60 s verify window
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(hooks(fake)).toHaveLength(1);
    expect(hooks(fake)[0]).toMatchObject({ status: "INACTIVE" });
    expect(
      requestsAfter(fake, 0, /^POST \/api\/v1\/eventHooks\/[^/]+\/lifecycle\/activate$/),
    ).toEqual([]);
  });

  it("while Okta is still creating the hook: the hook it made anyway is found and deactivated, never activated", async () => {
    const { fake, db, env } = await startOktaBehindTunnel();
    // Okta creates the hook at once but answers only after 20 s
    fake.inject({ kind: "slow", delayMs: 20_000 }, { path: "/api/v1/eventHooks", method: "POST" });
    const p = startCli(registerArgs(db), env);
    await waitFor(() => hooks(fake).length === 1, { what: "the hook created at Okta" });
    await waitFor(() => /creating Okta event hook/.test(p.stderr()), {
      what: "the create on stderr",
    });
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(0);
    const [hook] = hooks(fake);
    expect(hook).toMatchObject({ status: "INACTIVE" });
    const deactivated = fake.requests.findIndex((r) => /\/lifecycle\/deactivate$/.test(r.path));
    expect(deactivated).toBeGreaterThan(0);
    expect(requestsAfter(fake, 0, /\/lifecycle\/(activate|verify)$/)).toEqual([]);
  });

  it("a second Ctrl+C while shutdown waits on Okta quits at once (exit 130) and says what is left", async () => {
    const { fake, stateDir, db, env } = await startOktaBehindTunnel();
    const p = startCli(registerArgs(db), env);
    await p.waitOut(/"type":"hook"/, 20_000);
    const ready = await p.waitOut(/"type":"tunnel","state":"ready","publicUrl":"([^"]+)"/);
    const cloudflared = readFakeProxy(stateDir, ready[1]!)!.pid;
    const [hook] = hooks(fake);
    fake.inject(
      { kind: "slow", delayMs: 30_000 },
      { path: `/api/v1/eventHooks/${hook!.id}/lifecycle/deactivate` },
    );
    p.child.kill("SIGINT");
    await waitFor(() => /deactivating Okta event hook/.test(p.stderr()), {
      what: "the deactivate wait",
    });
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(130);
    expect(p.stderr()).toMatch(
      /okhook: second Ctrl\+C: quit without finishing the shutdown \(cloudflared killed; the Okta hook registered with --register stays active/,
    );
    await waitFor(
      () => {
        try {
          process.kill(cloudflared, 0);
          return false;
        } catch {
          return true;
        }
      },
      { what: "no cloudflared left" },
    );
  });
});
