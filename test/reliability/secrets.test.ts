import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { inspect } from "node:util";
import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { OktaClient } from "../../src/okta/client.js";
import { cliEnv, killAll, runCli, startCli } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import {
  FAKE_CLOUDFLARED,
  fakeCloudflaredEnv,
  readFakeProxy,
} from "../helpers/fake-cloudflared.js";
import { type FakeOkta, startFakeOkta } from "../helpers/fake-okta.js";
import { post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";
import { summary } from "./support.js";

const API_TOKEN = "00ssws-API-token-must-never-leak-4f1c";
const ACCESS_TOKEN = "eyJhbGciOi.access-token-must-never-leak.7d2b";
/** Response headers okhook may send; anything else (x-powered-by, server, …) reveals too much. */
const ALLOWED_HEADERS = new Set([
  "content-type",
  "content-length",
  "date",
  "connection",
  "keep-alive",
  "allow",
]);

let fake: FakeOkta | undefined;
afterEach(async () => {
  await killAll();
  await closeTargets();
  await fake?.close();
  fake = undefined;
  cleanupTmp();
});

/** Everything a response shows: status line, headers, body. */
async function exposure(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const body = await res.text();
  return { status: res.status, headers: [...res.headers.keys()], body };
}

describe("secrets and exposure", () => {
  it("keeps the hook secret and Okta tokens out of the DB, output, show and the tunnel child; exposes only the hook path", async () => {
    const home = tmpDir();
    const stateDir = tmpDir("okhook-cf-");
    fake = await startFakeOkta({ token: API_TOKEN });
    const env = cliEnv(home, {
      OKHOOK_CLOUDFLARED: FAKE_CLOUDFLARED,
      ...fakeCloudflaredEnv("ok", { stateDir }),
      OKTA_ORG_URL: fake.url,
      OKTA_API_TOKEN: API_TOKEN,
      OKTA_ACCESS_TOKEN: ACCESS_TOKEN,
    });
    const target = await startTarget();
    // No --db: the default location, so okhook creates the directory itself.
    const l = startCli(
      ["listen", "--port", "0", "--output", "json", "--forward-to", target.url],
      env,
    );
    const m = await l.waitOut(/"type":"tunnel","state":"ready","publicUrl":"([^"]+)"/);
    const tunnel = readFakeProxy(stateDir, m[1]!)!;
    const db = join(home, ".local/share/okhook/okhook.db");
    const secret = (
      JSON.parse(readFileSync(`${db}.secrets.json`, "utf8")) as Record<string, string>
    )["port:0"]!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const secrets = [secret, API_TOKEN, ACCESS_TOKEN];
    const leaks = (text: string) => secrets.filter((s) => text.includes(s));

    // The tunnel child gets none of okhook's credentials in its environment.
    expect(leaks(readFileSync(`/proc/${tunnel.pid}/environ`, "latin1"))).toEqual([]);

    const publicHook = `${tunnel.proxy}/okta/events`;
    const local = tunnel.origin;
    const verify = await exposure(publicHook, {
      headers: { "x-okta-verification-challenge": "chal-1", authorization: secret },
    });
    expect(verify).toEqual({
      status: 200,
      headers: expect.any(Array),
      body: '{"verification":"chal-1"}',
    });
    const sent = twoEventDelivery();
    expect((await post(publicHook, sent.body, { authorization: secret })).status).toBe(200);
    expect(
      (await post(publicHook, twoEventDelivery().body, { authorization: `${secret}x` })).status,
    ).toBe(401);
    expect((await post(publicHook, twoEventDelivery().body)).status).toBe(401);
    await waitFor(() => target.posts().length === 1);
    expect(target.posts()[0]!.headers.authorization).toBe(secret); // the app checks it as in production

    // Only the hook path exists; every other path is an empty 404, nothing says what runs here.
    const probes: [string, RequestInit][] = [
      ["/", {}],
      ["/okta", {}],
      ["/okta/events/", {}],
      ["/OKTA/EVENTS", {}],
      ["/okta/events/../../etc/passwd", {}],
      ["/.env", {}],
      ["/favicon.ico", {}],
      ["/admin", { method: "POST", body: "{}" }],
      ["/okta/events%00", { method: "POST", body: "{}" }],
    ];
    const answers = [];
    for (const base of [local, tunnel.proxy]) {
      for (const [path, init] of probes)
        answers.push({ path, ...(await exposure(`${base}${path}`, init)) });
      answers.push({ path: "hook GET", ...(await exposure(`${base}/okta/events`)) });
      answers.push({
        path: "hook 401",
        ...(await exposure(`${base}/okta/events`, { method: "POST", body: "{}" })),
      });
    }
    for (const a of answers) {
      expect(a.status, a.path).toBe(
        a.path === "hook GET" ? 405 : a.path === "hook 401" ? 401 : 404,
      );
      expect(a.body, a.path).toBe("");
      expect(
        a.headers.filter((h) => !ALLOWED_HEADERS.has(h)),
        a.path,
      ).toEqual([]);
    }
    // Directly from okhook (no proxy in between): verification and delivery answers carry only
    // what Okta needs.
    const direct = await exposure(`${local}/okta/events`, {
      headers: { "x-okta-verification-challenge": "c2", authorization: secret },
    });
    expect(direct.headers.sort()).toEqual([
      "connection",
      "content-length",
      "content-type",
      "date",
      "keep-alive",
    ]);
    const ack = await exposure(`${local}/okta/events`, {
      method: "POST",
      body: twoEventDelivery().body,
      headers: { authorization: secret, "content-type": "application/json" },
    });
    expect(ack).toEqual({
      status: 200,
      headers: expect.any(Array),
      body: "",
    });
    expect(ack.headers.sort()).toEqual(["connection", "content-length", "date", "keep-alive"]);

    // An Okta API call with the token: errors name the variable, never the value.
    const agent = new Agent();
    try {
      const client = new OktaClient({
        orgUrl: fake.url,
        apiToken: API_TOKEN,
        dispatcher: agent,
        maxRetries: 0,
      });
      for await (const _ of client.listLogs({
        since: "2026-11-20T00:00:00Z",
        until: "2026-11-20T14:00:00Z",
      }))
        break;
      fake.inject({ kind: "server-error" });
      const failed = await client.listEventHooks().catch((e: unknown) => e as Error);
      const wrong = await new OktaClient({
        orgUrl: fake.url,
        accessToken: ACCESS_TOKEN,
        dispatcher: agent,
      })
        .listEventHooks()
        .catch((e: unknown) => e as Error);
      for (const e of [failed, wrong]) {
        expect(e).toBeInstanceOf(Error);
        expect(leaks(`${String(e)} ${inspect(e, { depth: 8 })}`)).toEqual([]);
      }
      expect((wrong as Error).message).toMatch(/OKTA_ACCESS_TOKEN/);
    } finally {
      await agent.close();
    }

    const walWhileRunning = readFileSync(`${db}-wal`, "latin1");
    expect(await l.stop("SIGTERM")).toBe(0);
    const id = query<{ id: string }>(
      db,
      "SELECT id FROM deliveries WHERE kind = 'delivery' ORDER BY seq",
    )[0]!.id;
    const outputs = [
      l.stdout(),
      l.stderr(),
      walWhileRunning,
      ...[db, `${db}-wal`, `${db}-shm`].filter(existsSync).map((f) => readFileSync(f, "latin1")),
    ];
    const commands = [
      ["deliveries", "--json", "--limit", "100"],
      ["deliveries"],
      ["show", id],
      ["show", id, "--json"],
      ["show", id, "--curl"],
      ...query<{ id: string }>(db, "SELECT id FROM deliveries WHERE kind = 'rejected'").map((r) => [
        "show",
        r.id,
        "--json",
      ]),
    ];
    for (const args of commands) {
      // `--curl` reads $OKHOOK_SECRET when the command runs; okhook itself sees it here too.
      const r = await runCli(args, { ...env, OKHOOK_SECRET: secret });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      outputs.push(r.stdout, r.stderr);
      if (args.includes("--curl")) expect(r.stdout).toContain("${OKHOOK_SECRET");
    }
    expect(outputs.flatMap(leaks)).toEqual([]);

    expect(statSync(db).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(db)).mode & 0o777).toBe(0o700);
    expect(statSync(`${db}.secrets.json`).mode & 0o777).toBe(0o600);
    summary(
      `secrets: secret + 2 tokens found 0 times in DB/WAL, stdout, stderr, ${commands.length} deliveries/show outputs, cloudflared's environment; ` +
        `${answers.length} non-hook or unauthorised requests answered with empty bodies and no server/version headers; DB 0600, dir 0700`,
    );
  });
});
