import { afterEach, describe, expect, it } from "vitest";
import {
  DOWN_AFTER_NETWORK_FAILURES,
  type ProbeTimer,
  TargetHealth,
} from "../../src/forward/health.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { waitFor } from "../helpers/wait.js";

const running: TargetHealth[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) h.stop();
  await closeTargets();
});

/**
 * A TargetHealth on a closed loopback port whose probe timer records the waits it is asked
 * for and fires at once: the probe progression is read from that list, not from the clock.
 */
async function setup(o: { firstProbeMs: number; intervalMs: number }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/hook`;
  const delays: number[] = [];
  const changes: string[] = [];
  const setTimer: ProbeTimer = (fn, ms) => {
    delays.push(ms);
    return setTimeout(fn, 1);
  };
  const health = new TargetHealth({
    targets: [url],
    ...o,
    setTimer,
    onChange: (_t, up, reason) => changes.push(up ? "up" : `down: ${reason}`),
  });
  running.push(health);
  return { port, url, health, delays, changes };
}

describe("TargetHealth", () => {
  it(`marks a target down after ${DOWN_AFTER_NETWORK_FAILURES} network failures in a row; an HTTP answer breaks the run`, async () => {
    const { url, health, changes } = await setup({ firstProbeMs: 60_000, intervalMs: 60_000 });
    health.networkFailure(url, "connection refused");
    health.networkFailure(url, "connection refused");
    health.markUp(url);
    health.networkFailure(url, "connection refused");
    health.networkFailure(url, "connection refused");
    expect(health.isDown(url)).toBe(false);
    health.networkFailure(url, "connection refused (3rd)");
    expect(health.isDown(url)).toBe(true);
    health.networkFailure(url, "connection refused");
    expect(changes).toEqual(["up", "down: connection refused (3rd)"]);
  });

  it("probes a down target after first, 2×, 4×… the first wait, capped at the interval, and starts over once a forward got an answer", async () => {
    const { port, url, health, delays, changes } = await setup({
      firstProbeMs: 10,
      intervalMs: 80,
    });
    health.start(); // the start probe is refused: down, then probes back off
    await waitFor(() => delays.length >= 6, { what: "six probes scheduled" });
    expect(delays.slice(0, 6)).toEqual([10, 20, 40, 80, 80, 80]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatch(/^down: connection refused/);

    await startTarget("/hook", undefined, port);
    await waitFor(() => changes.includes("up"), { what: "a probe to see the target up" });
    health.markUp(url); // a forward got an answer
    const scheduled = delays.length;

    // down again: the progression starts from the first wait
    await closeTargets();
    for (let i = 0; i < DOWN_AFTER_NETWORK_FAILURES; i++) health.networkFailure(url, "refused");
    await waitFor(() => delays.length >= scheduled + 3, { what: "probes after the next down" });
    expect(delays.slice(scheduled, scheduled + 3)).toEqual([10, 20, 40]);
    expect(changes.slice(1, 3)).toEqual(["up", "down: refused"]);
  });

  it("waits about the first delay (1 s by default) before probing a target that went down", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    const changes: { up: boolean; at: number }[] = [];
    const health = new TargetHealth({
      targets: [url],
      intervalMs: 15_000,
      onChange: (_t, up) => changes.push({ up, at: performance.now() }),
    });
    running.push(health);
    for (let i = 0; i < DOWN_AFTER_NETWORK_FAILURES; i++) health.networkFailure(url, "refused");
    await startTarget("/hook", undefined, port);
    await waitFor(() => changes.some((c) => c.up), { timeoutMs: 5000, what: "the first probe" });
    expect(changes.map((c) => c.up)).toEqual([false, true]);
    // only a loose lower bound: the probe did wait rather than fire at once
    expect(changes[1]!.at - changes[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it("sees an app that answers the probe after 2.5 s (within the forward timeout) up: slow is not down", async () => {
    const target = await startTarget("/hook", undefined, 0, 2500);
    const changes: string[] = [];
    const health = new TargetHealth({
      targets: [target.url],
      intervalMs: 15_000,
      probeTimeoutMs: 10_000,
      onChange: (_t, up, reason) => changes.push(up ? "up" : `down: ${reason}`),
    });
    running.push(health);
    health.start();
    // before, a probe gave up after 2 s and called the app down
    await waitFor(() => changes.length > 0, { timeoutMs: 8000, what: "the start probe's verdict" });
    expect(changes).toEqual(["up"]);
  });

  it("calls an app that accepts the connection but does not answer within the forward timeout down (hung)", async () => {
    const target = await startTarget("/hook", undefined, 0, 5000);
    const changes: string[] = [];
    const health = new TargetHealth({
      targets: [target.url],
      intervalMs: 15_000,
      probeTimeoutMs: 300,
      onChange: (_t, up, reason) => changes.push(up ? "up" : `down: ${reason}`),
    });
    running.push(health);
    health.start();
    await waitFor(() => changes.length > 0, { what: "the start probe's verdict" });
    expect(changes).toEqual(["down: no answer within 300 ms"]);
  });

  it("while deliveries wait, probes every first wait instead of the long backoff", async () => {
    const { port, url, health, delays, changes } = await setup({
      firstProbeMs: 10,
      intervalMs: 80,
    });
    health.start(); // refused: down, nothing waiting, the probes back off to the interval
    await waitFor(() => delays.length >= 5, { what: "the backoff at the interval" });
    expect(delays.slice(0, 5)).toEqual([10, 20, 40, 80, 80]);
    const quiet = delays.length;
    health.setWaiting(url, true); // a delivery parks
    await waitFor(() => delays.length >= quiet + 5, { what: "probes while a delivery waits" });
    // before, the next probes still came every 80 (15 s with the defaults)
    expect(delays.slice(quiet, quiet + 5).every((ms) => ms <= 10)).toBe(true);
    await startTarget("/hook", undefined, port);
    await waitFor(() => changes.includes("up"), { what: "the app seen back" });
  });

  it("backs off a target that answers the probe but fails every forward (no up/down every second); a forward answer resets it", async () => {
    const target = await startTarget("/hook");
    const delays: number[] = [];
    const changes: string[] = [];
    let forwardsFail = true;
    const health: TargetHealth = new TargetHealth({
      targets: [target.url],
      firstProbeMs: 10,
      intervalMs: 80,
      setTimer: (fn, ms) => {
        delays.push(ms);
        return setTimeout(fn, 1);
      },
      onChange: (_t, up) => {
        changes.push(up ? "up" : "down");
        // the probe said up: the parked deliveries go out and all hit a reset
        if (up && forwardsFail) setImmediate(() => failForwards());
      },
    });
    running.push(health);
    const failForwards = () => {
      for (let i = 0; i < DOWN_AFTER_NETWORK_FAILURES; i++)
        health.networkFailure(target.url, "connection reset by the target");
    };
    health.setWaiting(target.url, true);
    failForwards();
    await waitFor(() => delays.length >= 5, { what: "five probes" });
    forwardsFail = false;
    // before, each probe that said up started the backoff over: 10, 10, 10…
    expect(delays.slice(0, 5)).toEqual([10, 20, 40, 80, 80]);
    await waitFor(() => changes.at(-1) === "up", { what: "up again" });
    health.markUp(target.url); // a forward got through
    const before = delays.length;
    failForwards();
    await waitFor(() => delays.length > before, { what: "the next probe" });
    expect(delays[before]).toBe(10);
  });
});
