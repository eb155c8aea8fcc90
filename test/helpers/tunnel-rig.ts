import { afterEach, beforeEach, expect } from "vitest";
import { Tunnel, type TunnelOptions, type TunnelStateChange } from "../../src/tunnel/tunnel.js";
import {
  FAKE_CLOUDFLARED,
  type FakeCloudflaredKnobs,
  type FakeCloudflaredMode,
  fakeCloudflaredEnv,
} from "./fake-cloudflared.js";
import { cleanupTmp, tmpDir } from "./tmp.js";

/** A Tunnel over the fake cloudflared, with every state change it emitted. */
export interface RiggedTunnel {
  tunnel: Tunnel;
  states: TunnelStateChange[];
}

/**
 * Tunnels over the fake cloudflared for a test file: a fresh state dir per test, and every
 * tunnel stopped (no child left) after it.
 */
export function setupTunnelRig(): {
  tunnel: (
    mode: FakeCloudflaredMode,
    knobs?: FakeCloudflaredKnobs,
    overrides?: Partial<TunnelOptions>,
  ) => RiggedTunnel;
  stateDir: () => string;
} {
  let dir = "";
  let tunnels: Tunnel[] = [];
  beforeEach(() => {
    dir = tmpDir("okhook-tunnel-");
  });
  afterEach(async () => {
    await Promise.all(tunnels.map((t) => t.stop()));
    tunnels = [];
    cleanupTmp();
  });
  return {
    stateDir: () => dir,
    tunnel: (mode, knobs = {}, overrides = {}) => {
      const t = new Tunnel({
        binary: FAKE_CLOUDFLARED,
        mode: "quick",
        localUrl: "http://127.0.0.1:9",
        env: { ...process.env, ...fakeCloudflaredEnv(mode, { stateDir: dir, ...knobs }) },
        restart: { maxRetries: 3, baseDelayMs: 20 },
        readyTimeoutMs: 8_000,
        ...overrides,
      });
      const states: TunnelStateChange[] = [];
      t.on("state", (s) => states.push(s));
      tunnels.push(t);
      return { tunnel: t, states };
    },
  };
}

/** The process is gone (ESRCH). */
export function expectGone(pid: number | undefined): void {
  expect(pid).toBeTypeOf("number");
  expect(() => process.kill(pid as number, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
}
