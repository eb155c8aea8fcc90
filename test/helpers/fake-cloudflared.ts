import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the executable fake cloudflared script. */
export const FAKE_CLOUDFLARED = fileURLToPath(new URL("./fake-cloudflared.mjs", import.meta.url));

/** Behaviours of the fake (see the header of fake-cloudflared.mjs). */
export type FakeCloudflaredMode = "ok" | "fail" | "slow" | "noregister" | "crash-after";

/** Knobs of the fake, turned into its environment variables. */
export interface FakeCloudflaredKnobs {
  delayMs?: number;
  crashMs?: number;
  stateDir?: string;
  extraLines?: number;
  echoToken?: boolean;
  hostname?: string;
  /** After a drop (SIGUSR1/SIGUSR2 to the fake), register again this much later; -1 never. */
  reconnectMs?: number;
  /** While not connected, a dial error line this often. */
  dialMs?: number;
  /** Print the multi-line edge discovery ERR block at start (some networks show it). */
  edgeErrors?: boolean;
}

/** Environment selecting a mode of the fake (merge it over process.env for the child). */
export function fakeCloudflaredEnv(
  mode: FakeCloudflaredMode = "ok",
  knobs: FakeCloudflaredKnobs = {},
): Record<string, string> {
  const env: Record<string, string> = { FAKE_CLOUDFLARED_MODE: mode };
  if (knobs.delayMs !== undefined) env.FAKE_CLOUDFLARED_DELAY_MS = String(knobs.delayMs);
  if (knobs.crashMs !== undefined) env.FAKE_CLOUDFLARED_CRASH_MS = String(knobs.crashMs);
  if (knobs.stateDir !== undefined) env.FAKE_CLOUDFLARED_STATE_DIR = knobs.stateDir;
  if (knobs.extraLines !== undefined) env.FAKE_CLOUDFLARED_EXTRA_LINES = String(knobs.extraLines);
  if (knobs.echoToken) env.FAKE_CLOUDFLARED_ECHO_TOKEN = "1";
  if (knobs.hostname !== undefined) env.FAKE_CLOUDFLARED_HOSTNAME = knobs.hostname;
  if (knobs.reconnectMs !== undefined)
    env.FAKE_CLOUDFLARED_RECONNECT_MS = String(knobs.reconnectMs);
  if (knobs.dialMs !== undefined) env.FAKE_CLOUDFLARED_DIAL_MS = String(knobs.dialMs);
  if (knobs.edgeErrors) env.FAKE_CLOUDFLARED_EDGE_ERRORS = "1";
  return env;
}

/** The proxy mapping the fake wrote for a public URL or hostname. */
export interface FakeProxyState {
  proxy: string;
  pid: number;
  hostname: string;
  origin: string;
  /** `127.0.0.1:<port>` of the fake's metrics server (`/ready`). */
  metrics: string;
}

/** Read `<hostname>.json` from the fake's state dir; undefined when not (or no longer) there. */
export function readFakeProxy(stateDir: string, publicUrl: string): FakeProxyState | undefined {
  const hostname = publicUrl.includes("://") ? new URL(publicUrl).hostname : publicUrl;
  try {
    return JSON.parse(readFileSync(join(stateDir, `${hostname}.json`), "utf8")) as FakeProxyState;
  } catch {
    return undefined;
  }
}

/** The loopback proxy URL announced in the fake's log (`INF okhook-fake proxy=…`). */
export function proxyFromLog(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /okhook-fake proxy=(\S+)/.exec(lines[i] ?? "");
    if (m) return m[1];
  }
  return undefined;
}

/** A token of the shape cloudflared accepts (base64 JSON with account, tunnel id, secret). */
export function fakeTunnelToken(secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"): string {
  const body = {
    a: "0123456789abcdef0123456789abcdef",
    t: "6ff42ae2-765d-4adf-8112-31c55c1551ef",
    s: secret,
  };
  return Buffer.from(JSON.stringify(body)).toString("base64");
}
