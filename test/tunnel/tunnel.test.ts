import { spawn } from "node:child_process";
import { type IncomingHttpHeaders, request } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NetworkError } from "../../src/errors.js";
import {
  cloudflaredArgs,
  type SpawnFn,
  Tunnel,
  TunnelStoppedError,
} from "../../src/tunnel/tunnel.js";
import { fakeTunnelToken, readFakeProxy } from "../helpers/fake-cloudflared.js";
import { closeTargets, startServer } from "../helpers/target.js";
import { expectGone, setupTunnelRig } from "../helpers/tunnel-rig.js";
import { waitFor } from "../helpers/wait.js";

const rig = setupTunnelRig();
const tunnel = rig.tunnel;
afterEach(async () => {
  await closeTargets();
});

interface Seen {
  method?: string;
  url?: string;
  headers?: IncomingHttpHeaders;
  body?: string;
}

async function origin(): Promise<{ url: string; seen: Seen }> {
  const seen: Seen = {};
  const server = await startServer((req, res) => {
    Object.assign(seen, { method: req.method, url: req.url, headers: req.headers });
    seen.body = req.body.toString("utf8");
    res.writeHead(200, { "content-type": "application/json", "x-origin": "yes" });
    res.end(JSON.stringify({ verification: "abc" }));
  });
  return { url: server.origin, seen };
}

function post(url: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = request(url, { method: "POST", headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      });
      req.on("error", reject);
      req.end(body);
    },
  );
}

describe("Tunnel with the fake cloudflared", () => {
  it("builds cloudflared's argv without any token: a short grace period and a loopback metrics server", () => {
    const common = [
      "tunnel",
      "--no-autoupdate",
      "--grace-period",
      "500ms",
      "--metrics",
      "127.0.0.1:0",
    ];
    expect(cloudflaredArgs("quick", "http://127.0.0.1:8787")).toEqual([
      ...common,
      "--url",
      "http://127.0.0.1:8787",
    ]);
    expect(cloudflaredArgs("token", "http://127.0.0.1:8787")).toEqual([...common, "run"]);
  });

  it("becomes ready with the quick URL, and the public side reaches the local origin", async () => {
    const target = await origin();
    const { tunnel: t, states } = tunnel("ok", {}, { localUrl: target.url });
    const exitListeners = process.listenerCount("exit");
    const info = await t.start();
    expect(info.url).toMatch(/^https:\/\/[a-z0-9-]+\.trycloudflare\.com$/);
    expect(info).toMatchObject({ connIndex: 0, location: "lax01" });
    expect(t.state).toBe("ready");
    expect(states.map((s) => s.state)).toEqual(["starting", "ready"]);
    expect(states[1]).toMatchObject({ url: info.url, restarts: 0, pid: t.pid });
    expect(process.listenerCount("exit")).toBe(exitListeners + 1);

    const proxy = readFakeProxy(rig.stateDir(), info.url);
    expect(proxy?.pid).toBe(t.pid);
    const body = JSON.stringify({ data: { events: [{ uuid: "e1" }] } });
    const res = await post(`${proxy?.proxy}/okta/events?x=1`, body, {
      "content-type": "application/json",
      authorization: "s3cret",
    });
    expect(res).toMatchObject({ status: 200, body: '{"verification":"abc"}' });
    expect(res.headers["x-origin"]).toBe("yes");
    expect(target.seen).toMatchObject({ method: "POST", url: "/okta/events?x=1", body });
    expect(target.seen.headers).toMatchObject({
      authorization: "s3cret",
      "content-type": "application/json",
      host: new URL(info.url).host,
      "x-forwarded-proto": "https",
    });

    const pid = t.pid;
    await t.stop();
    expectGone(pid);
    expect(t.state).toBe("stopped");
    expect(states.at(-1)).toEqual({
      state: "stopped",
      reason: "cloudflared unregistered its connection and exited",
      restarts: 0,
    });
    expect(process.listenerCount("exit")).toBe(exitListeners);
    expect(readFakeProxy(rig.stateDir(), info.url)).toBeUndefined();
    // one SIGTERM, then cloudflared's own unregister and exit: no SIGKILL
    const log = t.logLines().join("\n");
    expect(log).toContain("Initiating graceful shutdown due to signal terminated");
    expect(log).toContain("Unregistered tunnel connection connIndex=0");
    expect(log).toContain("Tunnel server stopped");
  });

  it("rejects with cloudflared's reason when Cloudflare cannot be reached", async () => {
    const { tunnel: t, states } = tunnel("fail");
    const err = await t.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toMatch(
      /^cloudflared could not reach Cloudflare's quick tunnel service: failed to request quick Tunnel: Post "https:\/\/api\.trycloudflare\.com\/tunnel": .*no such host \(check the network/,
    );
    expect(t.state).toBe("failed");
    expect(states.at(-1)).toMatchObject({ state: "failed", reason: (err as Error).message });
    expect(t.logLines().at(-1)).toContain("failed to request quick Tunnel");
  });

  it("says what it waits for while no connection registers, then times out with the last dial error and a hint, and ends the child", async () => {
    const { tunnel: t, states } = tunnel("noregister", { dialMs: 100 }, { readyTimeoutMs: 900 });
    let pid: number | undefined;
    t.on("log", () => {
      pid ??= t.pid;
    });
    const err = await t.start().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^cloudflared did not register a tunnel connection within 0.9 s: Failed to dial a quic connection: .*no recent network activity \(outbound UDP\/TCP port 7844/,
    );
    expect(t.state).toBe("failed");
    // one progress note while starting (cloudflared retries every few seconds: not one per retry)
    const notes = states.filter((s) => s.state === "starting" && s.reason);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.reason).toMatch(/^still connecting to Cloudflare's edge: Failed to dial/);
    expectGone(pid);
  });

  it("waits for a slow registration", async () => {
    const { tunnel: t } = tunnel("slow", { delayMs: 300 });
    const startedAt = Date.now();
    const info = await t.start();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300);
    expect(info.url).toContain(".trycloudflare.com");
  });

  it("restarts a tunnel that died and reports the new URL", async () => {
    const { tunnel: t, states } = tunnel("crash-after", { crashMs: 300 });
    const first = await t.start();
    const second = await waitFor(
      () => states.find((s) => s.state === "ready" && s.url !== first.url),
      {
        timeoutMs: 8_000,
        what: "a second ready state",
      },
    );
    expect(second.previousUrl).toBe(first.url);
    expect(second.restarts).toBe(1);
    const restarting = states.find((s) => s.state === "starting" && s.reason);
    expect(restarting?.reason).toBe(
      "cloudflared exited with code 1: panic: fake-cloudflared crash-after; restarting in 20 ms",
    );
    const pid = t.pid;
    await t.stop();
    if (pid !== undefined) expectGone(pid);
    expect(t.state).toBe("stopped");
  });

  it("gives up after the restart budget", async () => {
    const { tunnel: t, states } = tunnel(
      "crash-after",
      { crashMs: 150 },
      { restart: { maxRetries: 1, baseDelayMs: 10 } },
    );
    await t.start();
    const failed = await waitFor(() => states.find((s) => s.state === "failed"), {
      timeoutMs: 8_000,
      what: "the failed state",
    });
    expect(failed.reason).toMatch(/gave up after 1 restarts$/);
    expect(states.map((s) => s.state)).toEqual([
      "starting",
      "ready",
      "starting",
      "ready",
      "failed",
    ]);
  });

  it("stops cleanly while still starting: stopped once, never failed", async () => {
    const { tunnel: t, states } = tunnel("noregister");
    const started = t.start().catch((e: unknown) => e);
    const pid = await waitFor(() => t.pid, { what: "the child pid" });
    await t.stop();
    expect(await started).toBeInstanceOf(TunnelStoppedError);
    expect(states.map((s) => [s.state, s.reason])).toEqual([
      ["starting", undefined],
      ["stopped", "cloudflared exited"],
    ]);
    expectGone(pid);
  });

  it("registers a synchronous exit hook that SIGKILLs the child", async () => {
    const before = process.listeners("exit");
    const { tunnel: t, states } = tunnel("ok", {}, { restart: { maxRetries: 0, baseDelayMs: 10 } });
    await t.start();
    const hook = process.listeners("exit").find((l) => !before.includes(l));
    const pid = t.pid;
    hook?.call(process, 0);
    await waitFor(() => states.some((s) => s.state === "failed"), { what: "the failed state" });
    expectGone(pid);
    expect(states.at(-1)?.reason).toMatch(
      /^cloudflared was killed by SIGKILL \(not by okhook: something else ended it\); gave up after 0 restarts$/,
    );
    expect(process.listeners("exit")).toEqual(before);
  });

  it("names a binary that cannot be spawned", async () => {
    const missing = join(rig.stateDir(), "no-such-cloudflared");
    const { tunnel: t } = tunnel("ok", {}, { binary: missing });
    const err = await t.start().catch((e: unknown) => e);
    expect((err as Error).message).toContain(`cloudflared "${missing}" could not be started`);
    expect((err as Error).message).toContain("ENOENT");
  });

  it("keeps the last 200 log lines", async () => {
    const { tunnel: t } = tunnel("ok", { extraLines: 300 });
    await t.start();
    await waitFor(() => t.logLines().at(-1)?.includes("filler n=299"), {
      what: "the last filler line",
    });
    const lines = t.logLines();
    expect(lines).toHaveLength(200);
    expect(lines[0]).toContain("filler n=100");
  });
});

describe("Tunnel in token mode", () => {
  it("passes the token in the environment, never argv, and scrubs it from the log", async () => {
    const token = fakeTunnelToken();
    const calls: { args: readonly string[]; token: string | undefined }[] = [];
    const recordingSpawn: SpawnFn = (cmd, args, options) => {
      calls.push({ args, token: options.env?.TUNNEL_TOKEN });
      return spawn(cmd, args, options);
    };
    const { tunnel: t } = tunnel(
      "ok",
      { echoToken: true, hostname: "hooks.example.com" },
      { mode: "token", token, publicUrl: "https://hooks.example.com", spawn: recordingSpawn },
    );
    const info = await t.start();
    expect(info.url).toBe("https://hooks.example.com");
    expect(calls).toEqual([{ args: cloudflaredArgs("token", "http://127.0.0.1:9"), token }]);
    expect(readFakeProxy(rig.stateDir(), "hooks.example.com")?.pid).toBe(t.pid);
    const log = t.logLines().join("\n");
    expect(log).toContain("Environmental variables map[TUNNEL_TOKEN:[redacted]]");
    expect(log).not.toContain(token);
  });

  it("reports a token cloudflared refuses", async () => {
    const { tunnel: t } = tunnel(
      "ok",
      {},
      { mode: "token", token: "not-a-token", publicUrl: "https://hooks.example.com" },
    );
    const err = await t.start().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^cloudflared rejected the tunnel token: Provided Tunnel token is not valid\. \(copy the whole token .* into --tunnel-token or OKHOOK_TUNNEL_TOKEN\)$/,
    );
    expect((err as Error).message).not.toContain("not-a-token");
  });

  it("needs a token and a public URL", () => {
    expect(
      () => new Tunnel({ binary: "x", mode: "token", localUrl: "http://127.0.0.1:1" }),
    ).toThrow(/--tunnel-token/);
    expect(
      () =>
        new Tunnel({
          binary: "x",
          mode: "token",
          localUrl: "http://127.0.0.1:1",
          token: "t",
        }),
    ).toThrow(/--public-url/);
  });
});
