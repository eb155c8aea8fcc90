import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, jsonEvents, killAll, runCli, startCli } from "../helpers/cli.js";
import { dbFilesContain, query } from "../helpers/db.js";
import {
  FAKE_CLOUDFLARED,
  fakeCloudflaredEnv,
  readFakeProxy,
} from "../helpers/fake-cloudflared.js";
import { post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function setup(
  mode: Parameters<typeof fakeCloudflaredEnv>[0] = "ok",
  knobs: Parameters<typeof fakeCloudflaredEnv>[1] = {},
) {
  const home = tmpDir();
  const stateDir = tmpDir("okhook-cf-");
  const env = cliEnv(home, {
    OKHOOK_CLOUDFLARED: FAKE_CLOUDFLARED,
    ...fakeCloudflaredEnv(mode, { stateDir, ...knobs }),
  });
  return { home, db: join(home, "okhook.db"), env, stateDir };
}

async function tunneled(args: string[], s: ReturnType<typeof setup>) {
  const p = startCli(["listen", "--port", "0", "--output", "json", "--db", s.db, ...args], s.env);
  const m = await p.waitOut(
    /"type":"tunnel","state":"ready","publicUrl":"([^"]+)","hookUrl":"([^"]+)"/,
  );
  const fake = readFakeProxy(s.stateDir, m[1]!)!;
  return { p, publicUrl: m[1]!, hookUrl: m[2]!, fake };
}

describe("okhook listen behind the tunnel", () => {
  it("prints the public hook URL, generates a secret, and serves Okta through the tunnel", async () => {
    const s = setup();
    const target = await startTarget();
    const { p, hookUrl, fake } = await tunneled(["--forward-to", target.url], s);
    expect(hookUrl).toMatch(/^https:\/\/[a-z0-9-]+\.trycloudflare\.com\/okta\/events$/);
    // generated once per configured port (here --port 0), kept beside the DB and not in it
    const secrets = JSON.parse(readFileSync(`${s.db}.secrets.json`, "utf8")) as Record<
      string,
      string
    >;
    const secret = secrets["port:0"];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const viaTunnel = `${fake.proxy}/okta/events`;
    const v = await fetch(viaTunnel, {
      headers: { "x-okta-verification-challenge": "tunnel-check" },
    });
    expect(await v.json()).toEqual({ verification: "tunnel-check" });
    expect((await post(viaTunnel, twoEventDelivery().body)).status).toBe(401);
    expect(
      (await post(viaTunnel, twoEventDelivery().body, { authorization: secret! })).status,
    ).toBe(200);
    await waitFor(() => target.posts().length === 1);
    expect(target.posts()[0]!.headers.authorization).toBe(secret);
    expect(await p.stop("SIGTERM")).toBe(0);
    expect(alive(fake.pid)).toBe(false);
    expect(p.stdout()).not.toContain(secret!);
    expect(dbFilesContain(s.db, secret!)).toBe(false);
  });

  it("keeps listening locally when cloudflared is missing, and exits 4 when --tunnel quick was asked for", async () => {
    const home = tmpDir();
    const env = cliEnv(home, { OKHOOK_CLOUDFLARED: join(home, "no-such-cloudflared") });
    const db = join(home, "okhook.db");
    const p = startCli(["listen", "--port", "0", "--output", "json", "--db", db], env);
    await p.waitOut(/"type":"tunnel","state":"failed"/);
    const failed = jsonEvents(p.stdout()).filter(
      (e) => e.type === "tunnel" && e.state === "failed",
    );
    // said once, and marked as not ending listen
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ fatal: false });
    expect(failed[0]?.reason).toMatch(
      /OKHOOK_CLOUDFLARED ".*no-such-cloudflared": no executable cloudflared there .*install/,
    );
    const hook = jsonEvents(p.stdout()).find((e) => e.type === "listening")?.hookUrl as string;
    const v = await fetch(hook, { headers: { "x-okta-verification-challenge": "x" } });
    expect(v.status).toBe(200);
    expect(await p.stop()).toBe(0);

    const strict = await runCli(
      ["listen", "--tunnel", "quick", "--port", "0", "--db", db, "--output", "compact"],
      env,
    );
    expect(strict.code).toBe(4);
    expect(strict.stderr.trim().split("\n")).toHaveLength(1);
    expect(strict.stderr).toMatch(/^okhook: OKHOOK_CLOUDFLARED .*no executable cloudflared/);
    // listen exits 4: nothing may claim it keeps listening, or ever waited for deliveries
    expect(strict.stdout).not.toMatch(/still listening|tunnel failed|Waiting for deliveries/);
  });

  it("exits 4 and leaves no cloudflared behind when the tunnel cannot be created", async () => {
    const s = setup("fail");
    const r = await runCli(
      ["listen", "--tunnel", "quick", "--port", "0", "--db", s.db, "--output", "compact"],
      s.env,
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /^okhook: cloudflared could not reach Cloudflare's quick tunnel service: .*\n$/,
    );
    expect(r.stdout).not.toMatch(/still listening|tunnel failed|Waiting for deliveries/);
    expect(query(s.db, "SELECT COUNT(*) AS n FROM deliveries")).toEqual([{ n: 0 }]);
  });

  it("restarts a crashed cloudflared and says loudly that the URL changed", async () => {
    const s = setup("crash-after", { crashMs: 300 });
    const { p, publicUrl, fake } = await tunneled([], s);
    const m = await p.waitOut(/"type":"warning","message":"(the public URL CHANGED[^"]+)"/, 20_000);
    expect(m[1]).not.toContain(publicUrl);
    expect(m[1]).toMatch(/trycloudflare\.com\/okta\/events/);
    await p.stop("SIGINT");
    expect(alive(fake.pid)).toBe(false);
  });

  it("leaves no cloudflared child after SIGINT", async () => {
    const s = setup();
    const { p, fake } = await tunneled(["--tunnel", "quick"], s);
    expect(alive(fake.pid)).toBe(true);
    expect(await p.stop("SIGINT")).toBe(0);
    expect(alive(fake.pid)).toBe(false);
    const log = await runCli(["show", "tunnel-log", "--db", s.db], s.env);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/Registered tunnel connection connIndex=0/);
  });

  it("runs a named tunnel with --tunnel token and --public-url, the token never on the command line or output", async () => {
    const s = setup("ok", { hostname: "hooks.example.com" });
    const token = "eyJhIjoiMDEyMzQ1Njc4OWFiY2RlZiIsInQiOiI2ZmY0MmFlMiIsInMiOiJzZWNyZXQifQ==";
    const p = startCli(
      [
        "listen",
        "--port",
        "0",
        "--output",
        "json",
        "--db",
        s.db,
        "--tunnel",
        "token",
        "--public-url",
        "https://hooks.example.com",
        "--secret",
        "abc",
      ],
      { ...s.env, OKHOOK_TUNNEL_TOKEN: token },
    );
    const m = await p.waitOut(
      /"type":"tunnel","state":"ready","publicUrl":"([^"]+)","hookUrl":"([^"]+)"/,
    );
    expect(m[2]).toBe("https://hooks.example.com/okta/events");
    expect(p.stdout() + p.stderr()).not.toContain(token);
    await p.stop();
    const bad = await runCli(["listen", "--tunnel", "token", "--db", s.db], s.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--tunnel token needs --tunnel-token/);
  });
});
