import { afterEach, describe, expect, it } from "vitest";
import type { LocalFacts } from "../../src/doctor/facts.js";
import { cloudflaredInfo, probeTarget, verifyAsOkta } from "../../src/doctor/probe-io.js";
import { type DoctorDeps, runDoctor } from "../../src/doctor/run.js";
import type { DoctorReport } from "../../src/doctor/types.js";
import { OktaClient } from "../../src/okta/client.js";
import { inspectDb } from "../../src/store/health.js";
import { FAKE_CLOUDFLARED } from "../helpers/fake-cloudflared.js";
import { deliveryFailureLog } from "../helpers/fake-okta/deliver.js";
import type { StoredHook } from "../helpers/fake-okta/hooks.js";
import { closeOktaRigs, startOktaRig } from "../helpers/okta-rig.js";
import { closeStores, tempStore } from "../helpers/seed-store.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";

afterEach(async () => {
  await closeOktaRigs();
  await closeTargets();
  closeStores();
  cleanupTmp();
});

const HOSTNAME_NAME = "okhook test-box";

/**
 * A healthy chain: a database, a "listener" (the rig's receiver answers the challenge on its
 * local and public URL), a forward target, the fake cloudflared, and a fake Okta whose hook
 * points at the public URL with the listener's header.
 */
async function healthy(o: { token?: string } = {}) {
  const rig = await startOktaRig();
  const target = await startTarget();
  const { file } = tempStore();
  closeStores();
  const publicUrl = rig.receiver.url;
  const hook = rig.fake.hooks.seed({
    name: HOSTNAME_NAME,
    uri: publicUrl,
    items: ["user.lifecycle.create"],
  });
  // Okta's own Verify: a real GET to the receiver, logged as event_hook.verified
  await rig.fake.hooks.verify(hook.id);
  const startedAt = new Date(Date.now() - 60_000).toISOString();
  const local: LocalFacts = {
    nodeVersion: "v20.19.0",
    db: inspectDb(file).facts,
    now: Date.now(),
    listener: {
      running: true,
      pid: 4242,
      startedAt,
      url: rig.receiver.url,
      tunnel: {
        lockId: "x",
        state: "ready",
        publicUrl: "https://t.example",
        hookUrl: publicUrl,
        since: startedAt,
      },
      header: "authorization",
      secretSource: "generated",
      targets: [target.url],
      rejected: { missing: 0, wrong: 0, fromOkta: 0 },
    },
  };
  const client = new OktaClient({
    orgUrl: rig.fake.url,
    apiToken: o.token ?? rig.fake.token,
    dispatcher: rig.agent,
    requestTimeoutMs: 5000,
    maxRetries: 0,
  });
  const deps: DoctorDeps = {
    dbPath: file,
    local,
    verify: (url) => verifyAsOkta(url, rig.agent),
    probeTarget: (url) => probeTarget(url),
    cloudflared: () => cloudflaredInfo({ explicit: FAKE_CLOUDFLARED }),
    okta: {
      kind: "client",
      client,
      expect: {
        hookUrl: publicUrl,
        header: "authorization",
        secretSource: "generated",
        registerName: HOSTNAME_NAME,
      },
    },
  };
  return { rig, target, hook, deps, file, startedAt };
}

/** Now: the doctor runs a moment later (its System Log `until` is its start, exclusive). */
const justNow = () => new Date().toISOString();
const byId = (r: DoctorReport, id: string) => r.checks.filter((c) => c.id === id);
const failing = (r: DoctorReport) => r.checks.filter((c) => c.status === "fail").map((c) => c.id);

describe("runDoctor", () => {
  it("a healthy chain: every check passes, exit 0, and Okta saw only GETs", async () => {
    const { deps, rig } = await healthy();
    const r = await runDoctor(deps);
    expect(r.checks.filter((c) => c.status !== "ok").map((c) => [c.id, c.detail])).toEqual([]);
    expect(r).toMatchObject({ verdict: "healthy", exitCode: 0 });
    expect(r.checks.map((c) => c.id)).toEqual([
      "node",
      "database",
      "database.integrity",
      "listener",
      "tunnel",
      "auth.rejections",
      "challenge.local",
      "challenge.public",
      "target",
      "cloudflared",
      "okta.org",
      "hook.status",
      "hook.verified",
      "hook.uri",
      "hook.auth",
      "hook.events",
      "hooks.stale",
      "log.verified",
      "log.deliveries",
    ]);
    expect(byId(r, "cloudflared")[0]!.detail).toContain("2025.5.0");
    expect(new Set(rig.fake.requests.map((q) => q.method))).toEqual(new Set(["GET"]));
  });

  const faults: [
    string,
    (h: Awaited<ReturnType<typeof healthy>>) => void | Promise<void>,
    string,
  ][] = [
    [
      "hook INACTIVE",
      ({ hook }) => {
        hook.status = "INACTIVE";
      },
      "hook.status",
    ],
    [
      "hook UNVERIFIED",
      ({ hook }) => {
        hook.verificationStatus = "UNVERIFIED";
      },
      "hook.verified",
    ],
    [
      "hook URI pointing elsewhere",
      ({ hook }) => {
        hook.input.channel.config.uri = "https://old-words.trycloudflare.com/okta/events";
      },
      "hook.uri",
    ],
    [
      "wrong auth header name",
      ({ hook }) => {
        hook.input.channel.config.authScheme!.key = "X-Api-Key";
      },
      "hook.auth",
    ],
    [
      "delivery failures in the System Log",
      ({ rig, hook }) => {
        rig.fake.addLogEvents([
          {
            ...deliveryFailureLog(hook as StoredHook, { reason: "Hook timed out" }),
            published: justNow(),
          },
        ]);
      },
      "log.deliveries",
    ],
    [
      "no listener running",
      ({ deps }) => {
        deps.local.listener!.running = false;
      },
      "listener",
    ],
    ["target down", async ({ target }) => await target.close(), "target"],
    [
      "a failed Verify in the System Log on an unverified hook",
      ({ rig, hook }) => {
        hook.verificationStatus = "UNVERIFIED";
        rig.fake.addLogEvents([
          {
            eventType: "event_hook.verified",
            outcome: { result: "FAILURE", reason: 'Hook "x" execution failed. Hook timed out' },
            target: [{ id: hook.id, type: "EventHook" }],
            published: justNow(),
          },
        ]);
      },
      "log.verified",
    ],
  ];

  for (const [fault, inject, id] of faults) {
    it(`names the broken link: ${fault} → ${id} ✗ with a fix, exit 1`, async () => {
      const h = await healthy();
      await inject(h);
      h.deps.local.now = Date.now() + 1000;
      const r = await runDoctor(h.deps);
      expect(r.exitCode).toBe(1);
      const broken = byId(r, id).filter((c) => c.status === "fail");
      expect(broken.length).toBeGreaterThan(0);
      expect(broken[0]!.fix).toBeTruthy();
      // the fault and what it necessarily breaks, nothing else
      const allowed = new Set([
        id,
        "hook.verified",
        "challenge.local",
        "challenge.public",
        "tunnel",
      ]);
      for (const other of failing(r))
        expect(allowed.has(other) ? other : `unexpected ${other}`).toBe(other);
    });
  }

  it("a bad token: the Okta check cannot be made, exit 5, the local checks still run", async () => {
    const h = await healthy({ token: "not-the-token" });
    const r = await runDoctor(h.deps);
    expect(r).toMatchObject({ verdict: "incomplete", exitCode: 5 });
    const org = byId(r, "okta.org")[0]!;
    expect(org).toMatchObject({ status: "fail", cannotCheck: 5 });
    expect(org.fix).toMatch(/OKTA_API_TOKEN/);
    expect(byId(r, "listener")[0]!.status).toBe("ok");
  });

  it("an unreachable org is exit 4", async () => {
    const h = await healthy();
    const port = await freePort();
    if (h.deps.okta.kind !== "client") throw new Error("setup");
    h.deps.okta.client = new OktaClient({
      orgUrl: `http://127.0.0.1:${port}`,
      apiToken: "t",
      maxRetries: 0,
      requestTimeoutMs: 2000,
    });
    expect((await runDoctor(h.deps)).exitCode).toBe(4);
  });

  it("no org configured: the Okta checks are skipped with the reason, exit 0", async () => {
    const h = await healthy();
    h.deps.okta = { kind: "skip", why: "no --org or OKTA_ORG_URL" };
    const r = await runDoctor(h.deps);
    expect(r.exitCode).toBe(0);
    expect(byId(r, "okta")[0]).toMatchObject({
      status: "skip",
      detail: "no --org or OKTA_ORG_URL",
    });
  });

  it("no hook points at the listener: ✗ with how to create one", async () => {
    const h = await healthy();
    h.rig.fake.hooks.hooks.clear();
    const r = await runDoctor(h.deps);
    expect(byId(r, "hook")[0]).toMatchObject({ status: "fail" });
    expect(byId(r, "hook")[0]!.fix).toContain("okhook listen --register");
    expect(byId(r, "log")[0]!.status).toBe("skip");
  });

  it("an active hook at a dead quick tunnel is a warning naming it; a live one is not", async () => {
    const h = await healthy();
    const dead = `http://127.0.0.1:${await freePort()}/okta/events`;
    h.rig.fake.hooks.seed({
      name: "old laptop",
      uri: "https://gone-words.trycloudflare.com/okta/events",
    });
    h.deps.verify = (url) => verifyAsOkta(url.includes("trycloudflare") ? dead : url, h.rig.agent);
    const r = await runDoctor(h.deps);
    expect(byId(r, "hooks.stale")[0]).toMatchObject({ status: "warn" });
    expect(byId(r, "hooks.stale")[0]!.detail).toContain('"old laptop"');
    expect(r.exitCode).toBe(0);
    h.deps.verify = (url) =>
      verifyAsOkta(url.includes("trycloudflare") ? h.rig.receiver.url : url, h.rig.agent);
    expect(byId(await runDoctor(h.deps), "hooks.stale")[0]!.status).toBe("ok");
  });
});
