import { describe, expect, it } from "vitest";
import { expectGone, setupTunnelRig } from "../helpers/tunnel-rig.js";
import { waitFor } from "../helpers/wait.js";

const { tunnel } = setupTunnelRig();

describe("Tunnel follows the edge connection", () => {
  it("an edge drop shows as reconnecting with the same URL and why, then ready again (no URL warning)", async () => {
    const { tunnel: t, states } = tunnel("ok", { reconnectMs: 400 });
    const info = await t.start();
    process.kill(t.pid!, "SIGUSR1");
    const down = await waitFor(() => states.find((s) => s.state === "reconnecting"), {
      what: "reconnecting",
    });
    expect(down).toMatchObject({ url: info.url, downForMs: 0 });
    expect(down.reason).toBe(
      "Failed to serve tunnel connection: Application error 0x0 (remote): edge drop",
    );
    expect(t.state).toBe("reconnecting");
    const back = await waitFor(
      () => states.slice(states.indexOf(down)).find((s) => s.state === "ready"),
      {
        what: "ready again",
      },
    );
    expect(back).toEqual({ state: "ready", url: info.url, restarts: 0, pid: t.pid });
  });

  it("a drop cloudflared does not log still shows: /ready on its metrics server is the truth", async () => {
    const { tunnel: t, states } = tunnel("ok", { reconnectMs: 2_500 });
    await t.start();
    process.kill(t.pid!, "SIGUSR2");
    await waitFor(() => states.some((s) => s.state === "reconnecting"), {
      timeoutMs: 3_000,
      what: "reconnecting from /ready alone",
    });
    await waitFor(() => states.at(-1)?.state === "ready", {
      timeoutMs: 6_000,
      what: "ready again",
    });
  });

  it("a long outage stays visible: how long, and cloudflared's latest error with a hint", async () => {
    const { tunnel: t, states } = tunnel(
      "ok",
      { reconnectMs: -1, dialMs: 100 },
      { outageNoticeMs: 400 },
    );
    await t.start();
    process.kill(t.pid!, "SIGUSR1");
    const notice = await waitFor(
      () => states.find((s) => s.state === "reconnecting" && (s.downForMs ?? 0) > 0),
      { what: "an outage notice" },
    );
    expect(notice.reason).toMatch(
      /^no connection to Cloudflare's edge for \d+ s; cloudflared keeps retrying: Failed to dial a quic connection: .* \(outbound UDP\/TCP port 7844/,
    );
    await t.stop();
    expect(states.at(-1)).toMatchObject({ state: "stopped", reason: "cloudflared exited" });
  });
});

describe("Tunnel when cloudflared ends", () => {
  it("after a kill -9 of cloudflared, gives this run's reason, never an ERR block from start-up", async () => {
    // the edge discovery block (ending in a 1.1.1.1 URL) that cloudflared prints at start on some networks
    const { tunnel: t, states } = tunnel("ok", { edgeErrors: true });
    const first = await t.start();
    process.kill(t.pid!, "SIGKILL");
    const restarting = await waitFor(() => states.find((s) => s.state === "starting" && s.reason), {
      what: "the restart",
    });
    expect(restarting.reason).toBe(
      "cloudflared was killed by SIGKILL (not by okhook: something else ended it); restarting in 20 ms",
    );
    const again = await waitFor(
      () => states.find((s) => s.state === "ready" && s.url !== first.url),
      {
        timeoutMs: 8_000,
        what: "ready with the new URL",
      },
    );
    expect(again.previousUrl).toBe(first.url);
  });

  it("kills cloudflared only as a last resort, and says so", async () => {
    // okhook passes a 500 ms grace period; a 100 ms wait runs out first
    const { tunnel: t, states } = tunnel("ok", {}, { stopWaitMs: 100 });
    await t.start();
    const pid = t.pid;
    await t.stop();
    expectGone(pid);
    expect(states.at(-1)).toMatchObject({
      state: "stopped",
      forced: true,
      reason: "cloudflared did not exit within 100 ms of SIGTERM and was killed",
    });
  });
});
