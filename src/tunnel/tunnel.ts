import { spawn as nodeSpawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { backoffMs } from "../backoff.js";
import { describeError, NetworkError, UsageError } from "../errors.js";
import {
  type ChildExit,
  CloudflaredChild,
  type SpawnFn,
  type TunnelReadyInfo,
} from "./cloudflared-child.js";
import { LogRing, oneLine } from "./cloudflared-log.js";
import { edgeHint } from "./failure.js";
import {
  cloudflaredArgs,
  LOG_RING_LINES,
  OUTAGE_NOTICE_MS,
  READY_TIMEOUT_MS,
  RESTART_BASE_DELAY_MS,
  RESTART_MAX_DELAY_MS,
  RESTART_MAX_RETRIES,
  RESTART_RESET_AFTER_MS,
  STARTING_NOTICE_MS,
  STOP_WAIT_MS,
  type TunnelEvents,
  type TunnelOptions,
  type TunnelState,
  type TunnelStateChange,
  TunnelStoppedError,
} from "./tunnel-options.js";

export type { SpawnFn, TunnelReadyInfo } from "./cloudflared-child.js";
export * from "./tunnel-options.js";

/** Keeps a cloudflared tunnel up: start, follow its edge connection, restart on death, stop. */
export class Tunnel extends EventEmitter<TunnelEvents> {
  private current: CloudflaredChild | undefined;
  private stateNow: TunnelState = "idle";
  private urlNow: string | undefined;
  private readyAt = 0;
  private downSince = 0;
  private lastNoticeAt = 0;
  private outageTimer: NodeJS.Timeout | undefined;
  private restarts = 0;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly ring = new LogRing(LOG_RING_LINES);
  private readonly exitHook = () => this.current?.killNow();

  constructor(private readonly options: TunnelOptions) {
    super();
    if (options.mode === "token" && !options.token) {
      throw new UsageError("--tunnel token needs a tunnel token (pass --tunnel-token)");
    }
    if (options.mode === "token" && !options.publicUrl) {
      throw new UsageError(
        "--tunnel token needs the tunnel's public URL (pass --public-url https://hooks.example.com)",
      );
    }
  }

  /** Current state. */
  get state(): TunnelState {
    return this.stateNow;
  }

  /** Public URL while ready or reconnecting (the last known one otherwise). */
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

  /**
   * Spawn cloudflared; resolves once a connection is registered. Rejects with a NetworkError
   * that says why (state `failed`), or a TunnelStoppedError when stop() came first.
   */
  async start(): Promise<TunnelReadyInfo> {
    if (this.stateNow !== "idle") throw new Error("Tunnel.start() called twice");
    // stop() may win the race with a slow start (a signal during setup): spawn nothing then.
    if (this.stopping) throw new TunnelStoppedError();
    process.on("exit", this.exitHook);
    this.setState({ state: "starting" });
    try {
      const info = await this.launch();
      if (this.stopping) throw new TunnelStoppedError();
      this.markReady(info);
      return info;
    } catch (err) {
      if (this.stopping) throw new TunnelStoppedError();
      process.off("exit", this.exitHook);
      const reason = err instanceof NetworkError ? err.message : describeError(err);
      this.setState({ state: "failed", reason });
      throw err instanceof NetworkError ? err : new NetworkError(oneLine(reason), { cause: err });
    }
  }

  /** SIGTERM the child (it unregisters and exits; SIGKILL only as a last resort). Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    clearInterval(this.outageTimer);
    const was = this.stateNow;
    const result = await this.current?.terminate(this.options.stopWaitMs ?? STOP_WAIT_MS);
    process.off("exit", this.exitHook);
    if (was === "idle" || was === "failed") return;
    const reason = result?.forced
      ? `cloudflared did not exit within ${seconds(this.options.stopWaitMs ?? STOP_WAIT_MS)} of SIGTERM and was killed`
      : was === "ready"
        ? "cloudflared unregistered its connection and exited"
        : "cloudflared exited";
    this.setState({ state: "stopped", reason, forced: result?.forced || undefined });
  }

  private launch(): Promise<TunnelReadyInfo> {
    const o = this.options;
    const child: CloudflaredChild = new CloudflaredChild({
      binary: o.binary,
      args: cloudflaredArgs(o.mode, o.localUrl),
      // Not configuration: the child inherits this environment, as spawn does when env is unset.
      env: o.mode === "token" ? { ...o.env, TUNNEL_TOKEN: o.token } : o.env,
      spawn: o.spawn ?? (nodeSpawn as SpawnFn),
      mode: o.mode,
      readyTimeoutMs: o.readyTimeoutMs ?? READY_TIMEOUT_MS,
      fixedUrl: o.mode === "token" ? o.publicUrl : undefined,
      secrets: [o.token],
      onLine: (line) => {
        this.ring.push(line);
        this.emit("log", line);
      },
      onConnections: (count) => {
        if (this.current === child) this.onConnections(count, child);
      },
      onProblem: (problem) => {
        if (this.current === child) this.onProblem(problem);
      },
    });
    this.current = child;
    return child.ready.catch(async (err: unknown) => {
      await child.exited;
      throw err;
    });
  }

  private onConnections(count: number, child: CloudflaredChild): void {
    if (this.stopping) return;
    if (count === 0 && this.stateNow === "ready") {
      this.downSince = this.now();
      const why = child.lastProblem() ?? "the connection to Cloudflare's edge dropped";
      this.setState({ state: "reconnecting", url: this.urlNow, reason: why, downForMs: 0 });
      const every = this.options.outageNoticeMs ?? OUTAGE_NOTICE_MS;
      this.outageTimer = setInterval(() => this.outageNotice(child), every);
      this.outageTimer.unref();
    } else if (count > 0 && this.stateNow === "reconnecting") {
      clearInterval(this.outageTimer);
      this.setState({ state: "ready", url: this.urlNow });
    }
  }

  private outageNotice(child: CloudflaredChild): void {
    if (this.stateNow !== "reconnecting" || this.stopping) return;
    const downForMs = this.now() - this.downSince;
    const problem = child.lastProblem();
    const reason = `no connection to Cloudflare's edge for ${Math.round(downForMs / 1000)} s; cloudflared keeps retrying${problem ? `: ${problem}` : ""} (${edgeHint(problem)})`;
    this.setState({ state: "reconnecting", url: this.urlNow, reason, downForMs });
  }

  /** While starting, a connection problem is news worth showing (bounded: cloudflared retries every few seconds). */
  private onProblem(problem: string): void {
    if (this.stateNow !== "starting" || this.stopping) return;
    const now = this.now();
    if (this.lastNoticeAt && now - this.lastNoticeAt < STARTING_NOTICE_MS) return;
    this.lastNoticeAt = now;
    this.setState({
      state: "starting",
      reason: `still connecting to Cloudflare's edge: ${problem}; cloudflared keeps retrying`,
    });
  }

  private markReady(info: TunnelReadyInfo): void {
    const previousUrl =
      this.urlNow !== undefined && this.urlNow !== info.url ? this.urlNow : undefined;
    this.urlNow = info.url;
    this.readyAt = this.now();
    this.lastNoticeAt = 0;
    this.setState({ state: "ready", url: info.url, location: info.location, previousUrl });
    const child = this.current;
    void child?.exited.then((exit) => {
      if (!this.stopping && this.current === child) void this.recover(exit, child);
    });
  }

  private async recover(exit: ChildExit, child: CloudflaredChild): Promise<void> {
    clearInterval(this.outageTimer);
    const reset = this.options.restart?.resetAfterMs ?? RESTART_RESET_AFTER_MS;
    if (this.now() - this.readyAt >= reset) this.restarts = 0;
    let reason = child.describeExit(exit);
    const max = this.options.restart?.maxRetries ?? RESTART_MAX_RETRIES;
    while (!this.stopping) {
      if (this.restarts >= max) {
        process.off("exit", this.exitHook);
        this.setState({ state: "failed", reason: `${reason}; gave up after ${max} restarts` });
        return;
      }
      this.restarts += 1;
      const base = this.options.restart?.baseDelayMs ?? RESTART_BASE_DELAY_MS;
      const delayMs = backoffMs({
        attempt: this.restarts,
        baseMs: base,
        maxMs: RESTART_MAX_DELAY_MS,
        jitter: false,
      });
      this.setState({ state: "starting", reason: `${reason}; restarting in ${seconds(delayMs)}` });
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
    for (const key of Object.keys(full) as (keyof TunnelStateChange)[]) {
      if (full[key] === undefined) delete full[key];
    }
    this.emit("state", full);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** `1000` → `1 s`, `250` → `250 ms`. */
function seconds(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
