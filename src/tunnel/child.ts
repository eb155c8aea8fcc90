import type { ChildProcess, SpawnOptions } from "node:child_process";
import { describeError, NetworkError } from "../errors.js";
import {
  describeFailure,
  type FailureFacts,
  type FatalCause,
  LineSplitter,
  parseCloudflaredLine,
  scrubSecrets,
} from "./parse.js";

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

/** Inputs of one cloudflared run. */
export interface CloudflaredRunOptions {
  binary: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv | undefined;
  spawn: SpawnFn;
  readyTimeoutMs: number;
  stopGraceMs: number;
  /** Token mode: the URL is configured in Cloudflare, not read from the log. */
  fixedUrl?: string;
  secrets: ReadonlyArray<string | undefined>;
  /** Every output line, secrets already scrubbed. */
  onLine: (line: string) => void;
}

/** One spawned cloudflared: watches its log until ready, and owns its termination. */
export class CloudflaredRun {
  readonly child: ChildProcess;
  /** Resolves when the tunnel serves; rejects (NetworkError) on exit, timeout or spawn error. */
  readonly ready: Promise<TunnelReadyInfo>;
  /** Resolves once the child is gone; never rejects. */
  readonly exited: Promise<ChildExit>;
  private url: string | undefined;
  private registered: { connIndex: number; location?: string } | undefined;
  private readonly facts: { fatal?: { cause: FatalCause; reason: string }; lastError?: string } =
    {};
  private gone = false;
  private settleReady: ((info: TunnelReadyInfo) => void) | undefined;
  private failReady: ((err: Error) => void) | undefined;

  constructor(private readonly options: CloudflaredRunOptions) {
    this.url = options.fixedUrl;
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

  /** The most telling problem in the log so far (fatal line, else last ERR line). */
  lastProblem(): string | undefined {
    return this.facts.fatal?.reason ?? this.facts.lastError;
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the child is gone. */
  async terminate(graceMs = this.options.stopGraceMs): Promise<ChildExit> {
    if (!this.alive()) return this.exited;
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
    try {
      return await this.exited;
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

  private watchExit(): Promise<ChildExit> {
    return new Promise<ChildExit>((resolve) => {
      let spawnError: string | undefined;
      const done = (exit: ChildExit) => {
        if (this.gone) return;
        this.gone = true;
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
    if (!parsed) return;
    if (parsed.kind === "url" && this.url === undefined) this.url = parsed.url;
    else if (parsed.kind === "registered" && !this.registered) this.registered = parsed;
    else if (parsed.kind === "fatal") this.facts.fatal ??= parsed;
    else if (parsed.kind === "error") this.facts.lastError = parsed.reason;
    if (this.url !== undefined && this.registered) {
      this.settle({ url: this.url, ...this.registered });
    }
  }

  private settle(info: TunnelReadyInfo): void {
    const resolve = this.settleReady;
    this.settleReady = undefined;
    this.failReady = undefined;
    resolve?.({ url: info.url, connIndex: info.connIndex, location: info.location });
  }

  private fail(facts: FailureFacts): void {
    const reject = this.failReady;
    this.settleReady = undefined;
    this.failReady = undefined;
    reject?.(new NetworkError(describeFailure({ ...this.facts, ...facts })));
  }

  private failBeforeReady(exit: ChildExit): void {
    if (exit.spawnError) {
      const msg = `cloudflared "${this.options.binary}" could not be started: ${exit.spawnError} (check the path, or pass --cloudflared <path>)`;
      const reject = this.failReady;
      this.settleReady = undefined;
      this.failReady = undefined;
      reject?.(new NetworkError(msg));
      return;
    }
    this.fail({ exitCode: exit.code, signal: exit.signal });
  }

  private armReadyTimeout(): void {
    const timer = setTimeout(() => {
      if (!this.failReady) return;
      this.fail({ timedOutMs: this.options.readyTimeoutMs });
      void this.terminate();
    }, this.options.readyTimeoutMs);
    timer.unref();
    void this.ready.then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
  }
}
