import type { ChildProcess, SpawnOptions } from "node:child_process";
import { describeError, NetworkError } from "../errors.js";
import { scrubSecrets } from "../text/redact.js";
import {
  type CloudflaredLine,
  type FatalCause,
  LineSplitter,
  ProblemTracker,
  parseCloudflaredLine,
} from "./cloudflared-log.js";
import { ConnectionCount } from "./connection-count.js";
import { describeExit, describeStartFailure, type RunFacts } from "./failure.js";

/** The subset of `child_process.spawn` the tunnel needs; injectable for tests. */
export type SpawnFn = (
  command: string,
  args: readonly string[],
  options: SpawnOptions,
) => ChildProcess;

/** A child that exited but keeps its pipes open (a grandchild holding them) counts as gone after this. */
export const CLOSE_AFTER_EXIT_MS = 1_000;

/** The tunnel is serving: its public URL and the first registered edge connection. */
export interface TunnelReadyInfo {
  url: string;
  connIndex: number;
  location?: string;
}

/** How a cloudflared child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the binary could not be spawned at all (ENOENT, EACCES). */
  spawnError?: string;
}

/** Inputs of one cloudflared child. */
export interface CloudflaredChildOptions {
  binary: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv | undefined;
  spawn: SpawnFn;
  mode: "quick" | "token";
  readyTimeoutMs: number;
  /** Token mode: the URL is configured in Cloudflare, not read from the log. */
  fixedUrl?: string;
  secrets: ReadonlyArray<string | undefined>;
  /** Every output line, secrets already scrubbed. */
  onLine: (line: string) => void;
  /** After the first registration: how many edge connections are registered, on every change. */
  onConnections: (count: number) => void;
  /** A connection-level problem (a dial that failed, a connection that dropped), as it happens. */
  onProblem: (problem: string) => void;
}

/** One spawned cloudflared: reads its log, knows its registered connections, owns its end. */
export class CloudflaredChild {
  readonly child: ChildProcess;
  /** Resolves when the tunnel serves; rejects (NetworkError) on exit, timeout or spawn error. */
  readonly ready: Promise<TunnelReadyInfo>;
  /** Resolves once the child is gone; never rejects. */
  readonly exited: Promise<ChildExit>;
  private url: string | undefined;
  private first: { connIndex: number; location?: string } | undefined;
  private readonly connections: ConnectionCount;
  private readonly problems = new ProblemTracker();
  private fatal: { cause: FatalCause; reason: string } | undefined;
  private quickAnswer: { status?: string; body: string } | undefined;
  private everRegistered = false;
  private shuttingDown = false;
  private signalledElsewhere = false;
  private gone = false;
  private settleReady: ((info: TunnelReadyInfo) => void) | undefined;
  private failReady: ((err: Error) => void) | undefined;

  constructor(private readonly options: CloudflaredChildOptions) {
    this.url = options.fixedUrl;
    this.connections = new ConnectionCount((n) => {
      if (!this.shuttingDown && !this.gone) options.onConnections(n);
    });
    this.child = options.spawn(options.binary, options.args, {
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    this.exited = this.watchExit();
    this.ready = new Promise<TunnelReadyInfo>((resolve, reject) => {
      this.settleReady = resolve;
      this.failReady = reject;
    });
    // The owner may only ever look at `exited`; a failed `ready` is not an unhandled rejection.
    this.ready.catch(() => {});
    this.readLines(this.child.stdout);
    this.readLines(this.child.stderr);
    this.armReadyTimeout();
  }

  /** Process id, when the spawn succeeded. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the child process exists. */
  alive(): boolean {
    return !this.gone && this.child.pid !== undefined && this.child.exitCode === null;
  }

  /** The newest problem since the last registered connection (one line per ERR block). */
  lastProblem(): string | undefined {
    return this.fatal?.reason ?? this.problems.latest();
  }

  /** Why this run ended, from its own log only. */
  describeExit(exit: ChildExit): string {
    return describeExit(this.facts(exit));
  }

  /**
   * SIGTERM (cloudflared unregisters its connections and exits after its grace period); SIGKILL
   * only when it is still there after `waitMs`. Resolves when the child is gone.
   */
  async terminate(waitMs: number): Promise<{ exit: ChildExit; forced: boolean }> {
    this.shuttingDown = true;
    this.connections.close();
    if (!this.alive()) return { exit: await this.exited, forced: false };
    this.signal("SIGTERM");
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      this.signal("SIGKILL");
    }, waitMs);
    try {
      return { exit: await this.exited, forced };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Synchronous last-resort kill, for `process.on('exit')`. */
  killNow(): void {
    if (this.alive()) this.signal("SIGKILL");
  }

  private signal(sig: NodeJS.Signals): void {
    try {
      this.child.kill(sig);
    } catch {
      // already gone: nothing to kill
    }
  }

  private facts(exit?: ChildExit, timedOutMs?: number): RunFacts {
    return {
      mode: this.options.mode,
      fatal: this.fatal,
      problem: this.problems.latest(),
      quickAnswer: this.quickAnswer,
      everRegistered: this.everRegistered,
      signalledElsewhere: this.signalledElsewhere,
      exitCode: exit?.code,
      signal: exit?.signal,
      timedOutMs,
    };
  }

  private watchExit(): Promise<ChildExit> {
    return new Promise<ChildExit>((resolve) => {
      let spawnError: string | undefined;
      const done = (exit: ChildExit) => {
        if (this.gone) return;
        this.gone = true;
        this.connections.close();
        resolve(exit);
        this.failBeforeReady(exit);
      };
      this.child.on("error", (err) => {
        if (this.child.pid === undefined) spawnError = describeError(err);
      });
      this.child.once("exit", (code, signal) => {
        setTimeout(() => done({ code, signal }), CLOSE_AFTER_EXIT_MS).unref();
      });
      // 'close' comes after the last output line, so the reason for a failure is known by then.
      this.child.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
        done(spawnError ? { code, signal, spawnError } : { code, signal });
      });
    });
  }

  private readLines(stream: NodeJS.ReadableStream | null): void {
    if (!stream) return;
    const splitter = new LineSplitter();
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      for (const line of splitter.push(chunk)) this.onLine(line);
    });
    stream.on("end", () => {
      for (const line of splitter.flush()) this.onLine(line);
    });
  }

  private onLine(raw: string): void {
    const line = scrubSecrets(raw, this.options.secrets);
    this.options.onLine(line);
    const parsed = parseCloudflaredLine(line);
    const fresh = this.problems.push(parsed);
    if (parsed) this.apply(parsed);
    if (fresh && !this.shuttingDown && isConnectionProblem(parsed)) {
      this.options.onProblem(this.problems.latest() ?? "");
    }
    if (this.url !== undefined && this.first) this.settle({ url: this.url, ...this.first });
  }

  private apply(p: CloudflaredLine): void {
    switch (p.kind) {
      case "url":
        this.url ??= p.url;
        return;
      case "registered":
        this.everRegistered = true;
        this.first ??= { connIndex: p.connIndex, location: p.location };
        this.problems.clear();
        this.connections.registered(p.connIndex);
        return;
      case "disconnected":
        this.connections.ended(p.connIndex);
        return;
      case "metrics":
        this.connections.metricsAt(p.address);
        return;
      case "shutdown":
        // A signal okhook did not send (okhook sets shuttingDown before it signals).
        if (!this.shuttingDown) this.signalledElsewhere = true;
        this.shuttingDown = true;
        return;
      case "quick-answer":
        this.quickAnswer = { status: p.status, body: p.body };
        return;
      case "fatal":
        this.fatal ??= { cause: p.cause, reason: p.reason };
        return;
      default:
        return;
    }
  }

  private settle(info: TunnelReadyInfo): void {
    const resolve = this.settleReady;
    if (!resolve) return;
    this.settleReady = undefined;
    this.failReady = undefined;
    resolve({ url: info.url, connIndex: info.connIndex, location: info.location });
    this.connections.watch();
  }

  private reject(message: string): void {
    const reject = this.failReady;
    this.settleReady = undefined;
    this.failReady = undefined;
    reject?.(new NetworkError(message));
  }

  private failBeforeReady(exit: ChildExit): void {
    if (!this.failReady) return;
    if (exit.spawnError) {
      this.reject(
        `cloudflared "${this.options.binary}" could not be started: ${exit.spawnError} (check the path, or pass --cloudflared <path>)`,
      );
      return;
    }
    this.reject(describeStartFailure(this.facts(exit)));
  }

  private armReadyTimeout(): void {
    const timer = setTimeout(() => {
      if (!this.failReady) return;
      this.reject(describeStartFailure(this.facts(undefined, this.options.readyTimeoutMs)));
      void this.terminate(CLOSE_AFTER_EXIT_MS);
    }, this.options.readyTimeoutMs);
    timer.unref();
    void this.ready.then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
  }
}

/** A problem with one edge connection worth showing as it happens ("context canceled" says nothing). */
function isConnectionProblem(p: CloudflaredLine | null): boolean {
  const about =
    (p?.kind === "disconnected" && p.reason !== "unregistered") ||
    (p?.kind === "error" && p.conn === true);
  return (
    about &&
    !/context canceled$/.test(p?.kind === "error" || p?.kind === "disconnected" ? p.reason : "")
  );
}
