import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, jsonEvents, killAll, runCli, startCli } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import {
  FAKE_CLOUDFLARED,
  fakeCloudflaredEnv,
  readFakeProxy,
} from "../helpers/fake-cloudflared.js";
import { type FakeOkta, startFakeOkta } from "../helpers/fake-okta.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

const fakes: FakeOkta[] = [];
afterEach(async () => {
  await killAll();
  await closeTargets();
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  cleanupTmp();
});

/** Fake Okta whose "DNS" sends trycloudflare hostnames to the fake tunnel's loopback proxy. */
async function oktaBehindFakeTunnel(stateDir: string, deadPort?: number) {
  const fake = await startFakeOkta({
    resolveUri: (uri) => {
      const u = new URL(uri);
      if (deadPort) return `http://127.0.0.1:${deadPort}${u.pathname}`;
      const p = readFakeProxy(stateDir, u.hostname);
      return p ? `${p.proxy}${u.pathname}${u.search}` : uri;
    },
  });
  fakes.push(fake);
  return fake;
}

type Hook = {
  id: string;
  name: string;
  status: string;
  verificationStatus: string;
  channel: { config: { uri: string } };
};
const hooks = (fake: FakeOkta) => fake.hooks.list().body as Hook[];

function setup(fake: FakeOkta, stateDir: string, token = fake.token) {
  const home = tmpDir();
  const db = join(home, "okhook.db");
  const env = cliEnv(home, {
    OKHOOK_CLOUDFLARED: FAKE_CLOUDFLARED,
    ...fakeCloudflaredEnv("ok", { stateDir }),
    OKTA_ORG_URL: fake.url,
    OKTA_API_TOKEN: token,
  });
  return { db, env };
}

describe("okhook listen --register", () => {
  it("creates, verifies and activates the hook; Okta's deliveries flow through the tunnel to the app; exit deactivates; a second run re-uses it", async () => {
    const stateDir = tmpDir("okhook-cf-");
    const fake = await oktaBehindFakeTunnel(stateDir);
    const { db, env } = setup(fake, stateDir);
    const target = await startTarget();
    const args = [
      "listen",
      "--register",
      "--port",
      "0",
      "--output",
      "json",
      "--db",
      db,
      "--forward-to",
      target.url,
      "--events",
      "user.lifecycle.*",
    ];
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
    const stateDir = tmpDir("okhook-cf-");
    const fake = await oktaBehindFakeTunnel(stateDir);
    const { db, env } = setup(fake, stateDir, "wrong-token-value");
    const r = await runCli(
      ["listen", "--register", "--port", "0", "--db", db, "--output", "compact"],
      env,
    );
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^okhook: Okta answered 401/);
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
    const stateDir = tmpDir("okhook-cf-");
    const fake = await oktaBehindFakeTunnel(stateDir, await freePort());
    const { db, env } = setup(fake, stateDir);
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
