import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ListenerFacts } from "../../src/doctor/facts.js";
import {
  cloudflaredCheck,
  databaseChecks,
  listenerCheck,
  nodeCheck,
  rejectionsCheck,
  tunnelCheck,
  uptime,
} from "../../src/doctor/local.js";
import { findOurHooks, type HookExpectation, hookChecks } from "../../src/doctor/okta-hooks.js";
import { deliveryLogCheck, verifiedLogCheck } from "../../src/doctor/okta-log.js";
import { publicChallengeCheck, targetCheck } from "../../src/doctor/probes.js";
import type { EventHook, LogEvent } from "../../src/okta/types.js";
import { inspectDb } from "../../src/store/health.js";
import { closeStores, tempStore } from "../helpers/seed-store.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

function listener(o: Partial<ListenerFacts> = {}): ListenerFacts {
  return {
    running: true,
    pid: 1,
    url: "http://127.0.0.1:8787/okta/events",
    header: "authorization",
    secretSource: "generated",
    targets: [],
    rejected: { missing: 0, wrong: 0, fromOkta: 0 },
    ...o,
  };
}

function hook(
  o: Partial<EventHook> & { key?: string | null; items?: string[]; filter?: unknown } = {},
): EventHook {
  return {
    id: "whoA",
    name: "okhook box",
    status: "ACTIVE",
    verificationStatus: "VERIFIED",
    events: {
      type: "EVENT_TYPE",
      items: o.items ?? ["user.lifecycle.create"],
      filter: (o.filter as Record<string, unknown>) ?? null,
    },
    channel: {
      type: "HTTP",
      version: "1.0.0",
      config: {
        uri: "https://a.trycloudflare.com/okta/events",
        authScheme: o.key === null ? null : { type: "HEADER", key: o.key ?? "authorization" },
      },
    },
    ...o,
  };
}

const expectation: HookExpectation = {
  hookUrl: "https://a.trycloudflare.com/okta/events",
  header: "authorization",
  secretSource: "generated",
  registerName: "okhook box",
};

describe("local checks", () => {
  it("Node older than 20.19 fails with the fix", () => {
    expect(nodeCheck("v20.19.0").status).toBe("ok");
    expect(nodeCheck("v22.1.0").status).toBe("ok");
    expect(nodeCheck("v20.18.3")).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("20.19"),
    });
  });

  it("the database: missing, healthy, readable by others, corrupt", () => {
    const dir = tmpDir();
    expect(databaseChecks(inspectDb(join(dir, "none.db")).facts)[0]).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("okhook listen --db"),
    });
    const { file } = tempStore();
    closeStores();
    chmodSync(file, 0o600);
    const healthy = databaseChecks(inspectDb(file).facts);
    expect(healthy.map((c) => [c.id, c.status])).toEqual([
      ["database", "ok"],
      ["database.integrity", "ok"],
    ]);
    expect(healthy[0]!.detail).toContain("mode 0600");
    chmodSync(file, 0o644);
    expect(
      databaseChecks(inspectDb(file).facts).find((c) => c.id === "database.mode"),
    ).toMatchObject({
      status: "warn",
      fix: `chmod 600 ${file}`,
    });
    const junk = join(dir, "junk.db");
    writeFileSync(junk, "this is not a database, just some text that is long enough to be read");
    expect(databaseChecks(inspectDb(junk).facts)[0]).toMatchObject({ status: "fail" });
  });

  it("a database too big to check quickly skips the integrity check and says why", () => {
    const { file } = tempStore();
    closeStores();
    const facts = inspectDb(file, { quickCheckMaxBytes: 1 }).facts;
    expect(databaseChecks(facts).find((c) => c.id === "database.integrity")).toMatchObject({
      status: "skip",
      detail: expect.stringContaining("too big"),
    });
  });

  it("the listener: running with its uptime, or not running with how to start it", () => {
    const now = Date.parse("2026-11-20T14:00:00Z");
    const running = listenerCheck(listener({ startedAt: "2026-11-20T13:54:57Z" }), "/x.db", now);
    expect(running).toMatchObject({ status: "ok", detail: expect.stringContaining("up 5m 3s") });
    const stopped = listenerCheck(
      listener({ running: false, lastUrl: "http://127.0.0.1:9/p" }),
      "/x.db",
      now,
    );
    expect(stopped).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("okhook listen --db /x.db"),
    });
    expect(stopped.detail).toContain("http://127.0.0.1:9/p");
    expect(uptime(3 * 3600_000 + 12 * 60_000)).toBe("3h 12m");
  });

  it("the tunnel state as the listener recorded it", () => {
    const t = (state: "ready" | "off" | "reconnecting" | "failed", reason?: string) =>
      tunnelCheck(
        listener({
          tunnel: {
            lockId: "l",
            state,
            publicUrl: "https://a.trycloudflare.com",
            since: "",
            reason,
          },
        }),
      );
    expect(t("ready").status).toBe("ok");
    expect(t("off")).toMatchObject({ status: "warn", fix: expect.stringContaining("--tunnel") });
    expect(t("reconnecting", "edge gone").detail).toContain("edge gone");
    expect(t("reconnecting").status).toBe("fail");
    expect(t("failed", "cloudflared not found").status).toBe("fail");
    expect(tunnelCheck(listener({ tunnel: undefined })).status).toBe("warn");
    expect(tunnelCheck(listener({ running: false })).status).toBe("skip");
  });

  it("401s from Okta are a broken link with the fix; others only a note", () => {
    const okta = rejectionsCheck(listener({ rejected: { missing: 0, wrong: 4, fromOkta: 4 } }));
    expect(okta).toMatchObject({ status: "fail", fix: expect.stringContaining("okhook secret") });
    const noHeader = rejectionsCheck(listener({ rejected: { missing: 3, wrong: 0, fromOkta: 3 } }));
    expect(noHeader.fix).toContain("Authentication field to authorization");
    expect(
      rejectionsCheck(listener({ rejected: { missing: 9, wrong: 0, fromOkta: 0 } })).status,
    ).toBe("warn");
    expect(rejectionsCheck(listener({ secretSource: "none" })).status).toBe("skip");
  });

  it("cloudflared: version, or not found (a problem only when the listener needs one)", () => {
    const found = cloudflaredCheck(
      { found: true, path: "/bin/cf", source: "path", version: "2025.5.0" },
      listener(),
    );
    expect(found).toMatchObject({ status: "ok", detail: "2025.5.0 at /bin/cf (PATH)" });
    const byEnv = cloudflaredCheck(
      { found: true, path: "/opt/cf", source: "flag", version: "2025.5.0" },
      listener(),
    );
    expect(byEnv.detail).toBe("2025.5.0 at /opt/cf (OKHOOK_CLOUDFLARED)");
    const missing = { found: false as const, error: "no cloudflared on PATH" };
    expect(cloudflaredCheck(missing, listener({ running: false })).status).toBe("warn");
    const needed = listener({ tunnel: { lockId: "l", state: "failed", since: "" } });
    expect(cloudflaredCheck(missing, needed).status).toBe("fail");
  });
});

describe("probe checks", () => {
  it("a public URL failure says which part of the chain and how to fix it", () => {
    const base = { verified: false, durationMs: 5, challenge: "c" };
    const dns = publicChallengeCheck("https://x", {
      ...base,
      rule: "dns",
      detail: "cannot resolve",
    });
    expect(dns.fix).toMatch(/does not resolve/);
    const cf = publicChallengeCheck("https://x", {
      ...base,
      rule: "status",
      status: 530,
      detail: "530",
    });
    expect(cf.fix).toMatch(/cloudflared lost its connection/);
    const slow = publicChallengeCheck("https://x", {
      ...base,
      verified: true,
      durationMs: 2500,
      detail: "",
    });
    expect(slow.status).toBe("warn");
    expect(
      publicChallengeCheck(undefined, undefined, "--tunnel none: no public URL"),
    ).toMatchObject({
      status: "skip",
      detail: "--tunnel none: no public URL",
    });
  });

  it("a target: reachable, slower than Okta's 3 s, or unreachable", () => {
    expect(targetCheck({ url: "u", status: 200, ms: 12 }).status).toBe("ok");
    expect(targetCheck({ url: "u", status: 404, ms: 12 }).status).toBe("ok");
    expect(targetCheck({ url: "u", status: 200, ms: 3400 })).toMatchObject({ status: "warn" });
    expect(targetCheck({ url: "u", error: "ECONNREFUSED", ms: 1 })).toMatchObject({
      status: "fail",
      detail: "unreachable: ECONNREFUSED",
    });
  });
});

describe("Okta hook checks", () => {
  it("finds the listener's hooks by URL, by remembered id, or by --register's name", () => {
    const other = hook({
      id: "whoB",
      name: "someone else",
      channel: { ...hook().channel, config: { uri: "https://b/x" } },
    });
    const byName = hook({
      id: "whoC",
      channel: { ...hook().channel, config: { uri: "https://old/x" } },
    });
    expect(findOurHooks([other, byName], expectation).map((h) => h.id)).toEqual(["whoC"]);
    expect(findOurHooks([other], { ...expectation, knownId: "whoB" }).map((h) => h.id)).toEqual([
      "whoB",
    ]);
  });

  it("no auth header on the hook while the listener checks a secret: every delivery gets 401", () => {
    const auth = hookChecks(hook({ key: null }), expectation).find((c) => c.id === "hook.auth")!;
    expect(auth).toMatchObject({ status: "fail", detail: expect.stringContaining("401") });
    const open = hookChecks(hook({ key: null }), { ...expectation, secretSource: "none" });
    expect(open.find((c) => c.id === "hook.auth")!.status).toBe("ok");
  });

  it("subscriptions: not eligible types and filters are flagged, more than 300 is a failure", () => {
    const events = (h: EventHook) =>
      hookChecks(h, expectation).find((c) => c.id === "hook.events")!;
    expect(events(hook({ items: ["event_hook.delivery"] }))).toMatchObject({ status: "warn" });
    expect(events(hook({ filter: { type: "EXPRESSION_LANGUAGE" } })).detail).toContain(
      "filter is set",
    );
    const many = Array.from({ length: 301 }, () => "user.lifecycle.create");
    expect(events(hook({ items: many })).status).toBe("fail");
    expect(events(hook()).status).toBe("ok");
  });
});

describe("System Log checks", () => {
  const at = (
    published: string,
    type: string,
    result = "FAILURE",
    reason = "Hook timed out",
  ): LogEvent => ({
    uuid: published,
    published,
    eventType: type,
    outcome: { result, reason },
    target: [{ id: "whoA", type: "EventHook" }],
  });

  it("failures before this listener started are history (!), after it a broken link (✗)", () => {
    const logs = [at("2026-11-20T10:00:00.000Z", "event_hook.delivery")];
    const before = deliveryLogCheck(logs, [hook()], {
      listenerStartedAt: "2026-11-20T12:00:00Z",
      capped: false,
    });
    expect(before.status).toBe("warn");
    const after = deliveryLogCheck(logs, [hook()], {
      listenerStartedAt: "2026-11-20T09:00:00Z",
      capped: false,
    });
    expect(after).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("Hook timed out"),
    });
    expect(after.fix).toContain("okhook reconcile");
    expect(deliveryLogCheck([], [hook()], { capped: false }).status).toBe("ok");
  });

  it("failures of another hook are not this listener's", () => {
    const other = {
      ...at("2026-11-20T10:00:00.000Z", "event_hook.delivery"),
      target: [{ id: "whoZ", type: "EventHook" }],
    };
    expect(deliveryLogCheck([other], [hook()], { capped: false }).status).toBe("ok");
  });

  it("the last Verify decides: a pass after a failure is fine", () => {
    const failed = at("2026-11-20T10:00:00.000Z", "event_hook.verified");
    const passed = at("2026-11-20T11:00:00.000Z", "event_hook.verified", "SUCCESS");
    expect(verifiedLogCheck([failed, passed], [hook()]).status).toBe("ok");
    const unverified = hook({ verificationStatus: "UNVERIFIED" });
    const r = verifiedLogCheck(
      [passed, { ...failed, published: "2026-11-20T12:00:00.000Z" }],
      [unverified],
    );
    expect(r).toMatchObject({ status: "fail", fix: expect.stringContaining("3 s") });
    expect(verifiedLogCheck([], [hook()]).status).toBe("skip");
  });
});
