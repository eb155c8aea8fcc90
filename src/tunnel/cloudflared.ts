import { spawn as nodeSpawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { describeError, NetworkError, UsageError } from "../errors.js";
import { type ChildExit, CloudflaredRun, type SpawnFn, type TunnelReadyInfo } from "./child.js";
import { LogRing, oneLine } from "./parse.js";

export type { SpawnFn, TunnelReadyInfo } from "./child.js";

/** Longest wait for the first registered connection (cloudflared's own API timeout is 15 s). */
export const READY_TIMEOUT_MS = 45_000;
/** Wait between SIGTERM and SIGKILL when stopping. */
export const STOP_GRACE_MS = 3_000;
/** Restarts after the tunnel died, before giving up. */
export const RESTART_MAX_RETRIES = 5;
/** First restart delay; doubles on each consecutive restart. */
export const RESTART_BASE_DELAY_MS = 1_000;
/** Longest wait between two restarts. */
export const RESTART_MAX_DELAY_MS = 30_000;
/** A tunnel that stayed up this long gets its restart budget back. */
export const RESTART_RESET_AFTER_MS = 60_000;
/** Log lines kept for `logLines()`. */
export const LOG_RING_LINES = 200;

/** Tunnel lifecycle: `idle` before start; `failed` and `exited` are final. */
export type TunnelState = "idle" | "starting" | "ready" | "failed" | "exited";

/** One state change, emitted as the `state` event. */
export interface TunnelStateChange {
  state: Exclude<TunnelState, "idle">;
  /** Public URL (on `ready`). */
  url?: string;
  /** Set on `ready` after a restart when the public URL differs from the previous one. */
  previousUrl?: string;
  /** Why (on `failed`, `exited`, and on `starting` during a restart). */
  reason?: string;
  /** Edge location of the first registered connection (on `ready`). */
  location?: string;
  /** Restarts so far in the current budget (0 for the first run). */
  restarts: number;
  /** Child process id, when one is running. */
  pid?: number;
}

/** Events of {@link TunnelProcess}. */
export interface TunnelEvents {
  state: [TunnelStateChange];
  /** Every cloudflared output line, secrets scrubbed. */
  log: [string];
}

/** Options of {@link TunnelProcess}. */
export interface TunnelProcessOptions {
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
  stopGraceMs?: number;
  now?: () => number;
}

/** Arguments for cloudflared (the token travels in the environment, never in argv). */
export function cloudflaredArgs(mode: "quick" | "token", localUrl: string): string[] {
  return mode === "quick"
    ? ["tunnel", "--no-autoupdate", "--url", localUrl]
    : ["tunnel", "--no-autoupdate", "run"];
}

/** Owns the cloudflared child: start, wait for ready, restart on death, stop without orphans. */
export class TunnelProcess extends EventEmitter<TunnelEvents> {
  private current: CloudflaredRun | undefined;
  private stateNow: TunnelState = "idle";
  private urlNow: string | undefined;
  private readyAt = 0;
  private restarts = 0;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly ring: LogRing;
  private readonly exitHook = () => this.current?.killNow();

  constructor(private readonly options: TunnelProcessOptions) {
    super();
    if (options.mode === "token" && !options.token) {
      throw new UsageError("--tunnel token needs a tunnel token (pass --tunnel-token)");
    }
    if (options.mode === "token" && !options.publicUrl) {
      throw new UsageError(
        "--tunnel token needs the tunnel's public URL (pass --public-url https://hooks.example.com)",
      );
    }
    this.ring = new LogRing(LOG_RING_LINES);
  }

  /** Current state. */
  get state(): TunnelState {
    return this.stateNow;
  }

  /** Public URL while ready (the last known one otherwise). */
  get url(): string | undefined {
    return this.urlNow;
  }

  /** Process id of the running child, if any. */
  get pid(): number | undefined {
    return this.current?.alive() ? this.current.pid : undefined;
  }

  /** The last 200 output lines, oldest first, secrets scrubbed. */
  logLines(): string[] {
    return this.ring.lines();
  }

  /** Spawn cloudflared; resolves once a connection is registered, rejects with a NetworkError. */
  async start(): Promise<TunnelReadyInfo> {
    if (this.stateNow !== "idle") throw new Error("TunnelProcess.start() called twice");
    // stop() may win the race with a slow start (a signal during setup): spawn nothing then.
    if (this.stopping)
      throw new NetworkError("cloudflared was stopped before the tunnel was ready");
    process.on("exit", this.exitHook);
    this.setState({ state: "starting" });
    try {
      const info = await this.launch();
      this.markReady(info);
      return info;
    } catch (err) {
      process.off("exit", this.exitHook);
      if (this.stopping)
        throw new NetworkError("cloudflared was stopped before the tunnel was ready");
      const reason = err instanceof NetworkError ? err.message : describeError(err);
      this.setState({ state: "failed", reason });
      throw err instanceof NetworkError ? err : new NetworkError(oneLine(reason), { cause: err });
    }
  }

  /** SIGTERM the child (SIGKILL after the grace period); resolves when it is gone. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const run = this.current;
    if (run) await run.terminate(this.options.stopGraceMs ?? STOP_GRACE_MS);
    process.off("exit", this.exitHook);
    if (this.stateNow === "starting" || this.stateNow === "ready") {
      this.setState({ state: "exited", reason: "stopped" });
    }
  }

  private async launch(): Promise<TunnelReadyInfo> {
    const o = this.options;
    const run = new CloudflaredRun({
      binary: o.binary,
      args: cloudflaredArgs(o.mode, o.localUrl),
      // Not configuration: the child inherits this environment, as spawn does when env is unset.
      env: o.mode === "token" ? { ...o.env, TUNNEL_TOKEN: o.token } : o.env,
      spawn: o.spawn ?? (nodeSpawn as SpawnFn),
      readyTimeoutMs: o.readyTimeoutMs ?? READY_TIMEOUT_MS,
      stopGraceMs: o.stopGraceMs ?? STOP_GRACE_MS,
      fixedUrl: o.mode === "token" ? o.publicUrl : undefined,
      secrets: [o.token],
      onLine: (line) => {
        this.ring.push(line);
        this.emit("log", line);
      },
    });
    this.current = run;
    try {
      return await run.ready;
    } catch (err) {
      await run.exited;
      throw err;
    }
  }

  private markReady(info: TunnelReadyInfo): void {
    const previousUrl =
      this.urlNow !== undefined && this.urlNow !== info.url ? this.urlNow : undefined;
    this.urlNow = info.url;
    this.readyAt = this.now();
    this.setState({ state: "ready", url: info.url, location: info.location, previousUrl });
    const run = this.current;
    void run?.exited.then((exit) => {
      if (!this.stopping && this.current === run) void this.recover(exit, run);
    });
  }

  private async recover(exit: ChildExit, run: CloudflaredRun): Promise<void> {
    const reset = this.options.restart?.resetAfterMs ?? RESTART_RESET_AFTER_MS;
    if (this.now() - this.readyAt >= reset) this.restarts = 0;
    let reason = describeExit(exit, run.lastProblem());
    const max = this.options.restart?.maxRetries ?? RESTART_MAX_RETRIES;
    while (!this.stopping) {
      if (this.restarts >= max) {
        process.off("exit", this.exitHook);
        this.setState({ state: "failed", reason: `${reason}; gave up after ${max} restarts` });
        return;
      }
      this.restarts += 1;
      const base = this.options.restart?.baseDelayMs ?? RESTART_BASE_DELAY_MS;
      const delayMs = Math.min(base * 2 ** (this.restarts - 1), RESTART_MAX_DELAY_MS);
      this.setState({ state: "starting", reason: `${reason}; restarting in ${delayMs} ms` });
      await this.sleep(delayMs);
      if (this.stopping) return;
      try {
        const info = await this.launch();
        if (this.stopping) return;
        this.markReady(info);
        return;
      } catch (err) {
        reason = describeError(err);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private setState(change: Omit<TunnelStateChange, "restarts" | "pid">): void {
    this.stateNow = change.state;
    const pid = this.pid;
    const full: TunnelStateChange = { ...change, restarts: this.restarts };
    if (pid !== undefined) full.pid = pid;
    for (const key of ["url", "previousUrl", "reason", "location"] as const) {
      if (full[key] === undefined) delete full[key];
    }
    this.emit("state", full);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function describeExit(exit: ChildExit, problem: string | undefined): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return `cloudflared ${how}${problem ? ` (${problem})` : ""}`;
}
