import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tmpDir } from "./tmp.js";
import { waitFor } from "./wait.js";

export const BIN = fileURLToPath(new URL("../../bin/okhook.js", import.meta.url));

/** Environment for a spawned okhook: no colour, a private HOME, no inherited okhook/Okta variables. */
export function cliEnv(
  home: string,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_DATA_HOME: `${home}/.local/share`,
    NO_COLOR: "1",
    TZ: "UTC",
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** A fresh temp home (removed by cleanupTmp), the database path in it and cliEnv(home, extra). */
export function cliHome(extra: Record<string, string | undefined> = {}): {
  home: string;
  db: string;
  env: NodeJS.ProcessEnv;
} {
  const home = tmpDir();
  return { home, db: join(home, "okhook.db"), env: cliEnv(home, extra) };
}

/** A running okhook process with its output so far. */
export interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  waitOut: (re: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

const live = new Set<ChildProcess>();

/** Another user to run okhook as (root ignores permission bits; tests of them run as nobody). */
export interface RunAs {
  uid?: number;
  gid?: number;
}

/** Spawn `okhook <args>` (`nodeArgs` go to node itself, e.g. a test-only `--import` preload). */
export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
  as: RunAs = {},
): Proc {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    ...as,
  });
  live.add(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code, sig) => {
      live.delete(child);
      resolve(code ?? (sig ? -1 : null));
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitOut: (re, timeoutMs = 15_000) =>
      waitFor(
        () =>
          re.exec(out) ??
          (child.exitCode !== null
            ? Promise.reject(new Error(`exited ${child.exitCode}: ${err}`))
            : null),
        {
          timeoutMs,
          what: `${re} in stdout (stdout so far: ${out.slice(-500)} stderr: ${err.slice(-500)})`,
        },
      ),
    stop: async (signal = "SIGINT") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Run a finite okhook command to completion. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
  as: RunAs = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ["pipe", "pipe", "pipe"],
    ...as,
  });
  live.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  // A command that exits before reading its stdin (a fast one-line error) is not a test error.
  child.stdin.on("error", () => {});
  child.stdin.end(input ?? "");
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  live.delete(child);
  return { code, stdout, stderr };
}

/** Run a shell script to completion (killed by killAll if the test ends first); its exit code. */
export function runSh(script: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  const child = spawn("sh", ["-c", script], { env, stdio: "ignore" });
  live.add(child);
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
}

/** Start `okhook listen --output json` and wait for its `listening` event. */
export async function startListen(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<Proc & { hookUrl: string; port: number }> {
  const p = startCli(
    ["listen", "--tunnel", "none", "--port", "0", "--output", "json", ...args],
    env,
  );
  const m = await p.waitOut(/"type":"listening"[^\n]*"hookUrl":"(http:\/\/[^"]+)"/);
  const hookUrl = m[1]!;
  return Object.assign(p, { hookUrl, port: Number(new URL(hookUrl).port) });
}

/** Session events printed by `listen --output json`. */
export function jsonEvents(stdout: string): { type: string; [k: string]: unknown }[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { type: string });
}

/** How long a child left running gets to stop by itself (e.g. `listen` stopping its cloudflared). */
const TERM_GRACE_MS = 3_000;

/**
 * Stop every child still running (afterEach): SIGTERM first, so a `listen` stops the cloudflared
 * it started (a SIGKILLed listen would leave it orphaned), then SIGKILL what is still there.
 */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...live].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const force = setTimeout(() => c.kill("SIGKILL"), TERM_GRACE_MS);
          c.once("exit", () => {
            clearTimeout(force);
            resolve();
          });
          c.kill("SIGTERM");
        }),
    ),
  );
  live.clear();
}
