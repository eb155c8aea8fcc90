import { NetworkError } from "../errors.js";
import type { SpawnFn } from "./cloudflared-child.js";

/** Longest wait for the first registered connection (cloudflared's own API timeout is 15 s). */
export const READY_TIMEOUT_MS = 45_000;
/**
 * cloudflared's `--grace-period`: after one SIGTERM it unregisters its connections, then waits
 * this long for requests in flight before it exits 0 (30 s by default). okhook's own answers
 * take milliseconds, and the listener drains its requests meanwhile.
 */
export const CLOUDFLARED_GRACE_PERIOD = "500ms";
/** After SIGTERM, SIGKILL only when cloudflared is still there this much later. */
export const STOP_WAIT_MS = 3_000;
/** Restarts after the tunnel died, before giving up. */
export const RESTART_MAX_RETRIES = 5;
/** First restart delay; doubles on each consecutive restart. */
export const RESTART_BASE_DELAY_MS = 1_000;
/** Longest wait between two restarts. */
export const RESTART_MAX_DELAY_MS = 30_000;
/** A tunnel that stayed up this long gets its restart budget back. */
export const RESTART_RESET_AFTER_MS = 60_000;
/** While the edge connection is down, say again this often how long it has been. */
export const OUTAGE_NOTICE_MS = 30_000;
/** While starting, repeat a connection problem at most this often. */
export const STARTING_NOTICE_MS = 15_000;
/** Log lines kept for `logLines()`. */
export const LOG_RING_LINES = 200;

/**
 * Tunnel lifecycle: `idle` before start; `reconnecting` while cloudflared runs without a
 * registered edge connection (the URL stays); `failed` and `stopped` are final.
 */
export type TunnelState = "idle" | "starting" | "ready" | "reconnecting" | "failed" | "stopped";

/** One state change, emitted as the `state` event. */
export interface TunnelStateChange {
  state: Exclude<TunnelState, "idle">;
  /** Public URL (on `ready` and `reconnecting`). */
  url?: string;
  /** Set on `ready` after a restart when the public URL differs from the previous one. */
  previousUrl?: string;
  /** Why (on `failed`, on `reconnecting`, on `starting` during a restart or a slow start). */
  reason?: string;
  /** Edge location of the first registered connection (on `ready`). */
  location?: string;
  /** On `reconnecting`: how long the tunnel has had no edge connection. */
  downForMs?: number;
  /** On `stopped`: cloudflared did not exit after SIGTERM and was killed. */
  forced?: boolean;
  /** Restarts so far in the current budget (0 for the first run). */
  restarts: number;
  /** Child process id, when one is running. */
  pid?: number;
}

/** Events of {@link Tunnel}. */
export interface TunnelEvents {
  state: [TunnelStateChange];
  /** Every cloudflared output line, secrets scrubbed. */
  log: [string];
}

/** Options of {@link Tunnel}. */
export interface TunnelOptions {
  binary: string;
  mode: "quick" | "token";
  /** The local receiver, e.g. http://127.0.0.1:8787 (quick mode passes it as --url). */
  localUrl: string;
  /** Token mode: the tunnel token (given to cloudflared as TUNNEL_TOKEN, never on argv). */
  token?: string;
  /** Token mode: the stable public URL configured in Cloudflare. */
  publicUrl?: string;
  /** Environment for the child (config.ts `childEnv()`); token mode adds TUNNEL_TOKEN to it. */
  env?: NodeJS.ProcessEnv;
  spawn?: SpawnFn;
  restart?: { maxRetries: number; baseDelayMs: number; resetAfterMs?: number };
  readyTimeoutMs?: number;
  stopWaitMs?: number;
  outageNoticeMs?: number;
  now?: () => number;
}

/** `start()` rejects with this when `stop()` came first: nothing failed, nothing to report. */
export class TunnelStoppedError extends NetworkError {
  constructor() {
    super("cloudflared was stopped before the tunnel was ready");
  }
}

/**
 * Arguments for cloudflared (the token travels in the environment, never in argv). The metrics
 * server on a free loopback port answers `/ready`; the short grace period makes one SIGTERM a
 * clean and quick stop.
 */
export function cloudflaredArgs(mode: "quick" | "token", localUrl: string): string[] {
  const common = [
    "tunnel",
    "--no-autoupdate",
    "--grace-period",
    CLOUDFLARED_GRACE_PERIOD,
    "--metrics",
    "127.0.0.1:0",
  ];
  return mode === "quick" ? [...common, "--url", localUrl] : [...common, "run"];
}
