import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { killAll, startCli } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { deliveryFailureLog } from "../helpers/fake-okta/deliver.js";
import { closeOktaRigs, startOktaBehindTunnel } from "../helpers/okta-rig.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";

const DNS = fileURLToPath(new URL("../helpers/tunnel-dns-import.mjs", import.meta.url));

afterEach(async () => {
  await killAll();
  await closeTargets();
  await closeOktaRigs();
  cleanupTmp();
});

type Check = { id: string; name: string; status: string; detail: string; fix?: string };
type Report = { verdict: string; exitCode: number; checks: Check[] };

/**
 * The whole chain for real: fake Okta, `listen --register` through the fake cloudflared (its
 * "DNS" for Okta and, via the preload, for doctor), forwarding to a loopback app.
 */
async function chain() {
  const { fake, home, env } = await startOktaBehindTunnel({
    env: { OKHOOK_TEST_DEAD_ORIGIN: `http://127.0.0.1:${await freePort()}` },
  });
  const target = await startTarget();
  // in a directory of its own: the healthy run checks doctor left no file beside it
  const db = join(home, "data", "okhook.db");
  const listen = startCli(
    [
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
    ],
    env,
  );
  await listen.waitOut(/"type":"hook"/, 20_000);
  const hook = [...fake.hooks.hooks.values()][0]!;
  return { fake, target, db, env, listen, hook };
}

async function doctor(env: NodeJS.ProcessEnv, db: string) {
  const p = startCli(["doctor", "--json", "--db", db], env, ["--import", DNS]);
  const code = await p.exited;
  const report = JSON.parse(p.stdout()) as Report;
  return { code, report, stderr: p.stderr() };
}

const failing = (r: Report) => r.checks.filter((c) => c.status === "fail").map((c) => c.id);

describe("okhook doctor against a real chain", () => {
  it("healthy: every check ✓, exit 0, in a few seconds — and it changed nothing anywhere", async () => {
    const { fake, db, env } = await chain();
    const hooksBefore = JSON.stringify(fake.hooks.list().body);
    const requestsBefore = fake.requests.length;
    const rowsBefore = query(db, "SELECT id FROM deliveries WHERE kind != 'verification'");
    const metaBefore = query(db, "SELECT key, value FROM meta ORDER BY key");
    const filesBefore = readdirSync(dirname(db)).sort();
    const started = Date.now();
    const { code, report } = await doctor(env, db);
    const tookMs = Date.now() - started;
    expect(
      report.checks.filter((c) => c.status !== "ok").map((c) => `${c.id}: ${c.detail}`),
    ).toEqual([]);
    expect(code).toBe(0);
    expect(report.verdict).toBe("healthy");
    const ids = report.checks.map((c) => c.id);
    for (const id of ["challenge.public", "target", "hook.uri", "hook.auth", "log.verified"]) {
      expect(ids).toContain(id);
    }
    // generous (a healthy run takes about a second here, spawn included; more under load):
    // fails when a check waits out a timeout instead of answering
    expect(tookMs).toBeLessThan(15_000);
    // Okta only read, the database only gained the listener's records of doctor's two GETs
    const during = fake.requests.slice(requestsBefore);
    expect(during.length).toBeGreaterThan(0);
    expect(new Set(during.map((r) => r.method))).toEqual(new Set(["GET"]));
    expect(JSON.stringify(fake.hooks.list().body)).toBe(hooksBefore);
    expect(query(db, "SELECT id FROM deliveries WHERE kind != 'verification'")).toEqual(rowsBefore);
    expect(query(db, "SELECT key, value FROM meta ORDER BY key")).toEqual(metaBefore);
    expect(readdirSync(dirname(db)).sort()).toEqual(filesBefore);
  });

  it("names each broken link, one fault at a time (exit 1), a bad token (exit 5), no listener", async () => {
    const c = await chain();
    const { hook } = c;
    const config = hook.input.channel.config;
    const uri = config.uri;
    const faults: [string, () => void, () => void, string][] = [
      [
        "INACTIVE",
        () => {
          hook.status = "INACTIVE";
        },
        () => {
          hook.status = "ACTIVE";
        },
        "hook.status",
      ],
      [
        "UNVERIFIED",
        () => {
          hook.verificationStatus = "UNVERIFIED";
        },
        () => {
          hook.verificationStatus = "VERIFIED";
        },
        "hook.verified",
      ],
      [
        "URI elsewhere",
        () => {
          config.uri = "https://other-words.trycloudflare.com/okta/events";
        },
        () => {
          config.uri = uri;
        },
        "hook.uri",
      ],
      [
        "wrong auth header name",
        () => {
          config.authScheme!.key = "X-Api-Key";
        },
        () => {
          config.authScheme!.key = "Authorization";
        },
        "hook.auth",
      ],
    ];
    for (const [name, inject, restore, id] of faults) {
      inject();
      const { code, report } = await doctor(c.env, c.db);
      expect([name, code, failing(report)]).toEqual([name, 1, [id]]);
      expect(report.checks.find((x) => x.id === id)?.fix).toBeTruthy();
      restore();
    }

    const bad = await doctor({ ...c.env, OKTA_API_TOKEN: "not-the-token" }, c.db);
    expect(bad.code).toBe(5);
    expect(bad.report.checks.find((x) => x.id === "okta.org")).toMatchObject({ status: "fail" });
    expect(bad.stderr).toMatch(/^okhook: doctor could not check Okta org/);

    await c.target.close();
    const down = await doctor(c.env, c.db);
    expect([down.code, failing(down.report)]).toEqual([1, ["target"]]);

    c.fake.addLogEvents([deliveryFailureLog(hook, { reason: "Hook timed out" })]);
    const failures = await doctor(c.env, c.db);
    expect(failing(failures.report)).toEqual(["target", "log.deliveries"]);
    expect(failures.report.checks.find((x) => x.id === "log.deliveries")?.detail).toContain(
      "Hook timed out",
    );

    expect(await c.listen.stop("SIGINT")).toBe(0);
    const none = await doctor(c.env, c.db);
    expect(none.code).toBe(1);
    expect(failing(none.report)).toContain("listener");
    expect(none.report.checks.find((x) => x.id === "listener")?.fix).toContain(
      "okhook listen --db",
    );
  });
});
