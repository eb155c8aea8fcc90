import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { inputExample, UsageError } from "./errors.js";

/** Every environment variable okhook reads. This module is the only reader of process.env. */
export interface OkhookEnv {
  db?: string;
  port?: string;
  forwardTo?: string;
  secret?: string;
  tunnel?: string;
  cloudflared?: string;
  tunnelToken?: string;
  oktaOrgUrl?: string;
  oktaApiToken?: string;
  oktaAccessToken?: string;
  path?: string;
  noColor: boolean;
  forceColor?: string;
  ci: boolean;
  /** OKHOOK_CLIPBOARD=off: the TUI's `c` never writes to the clipboard. */
  clipboard?: string;
  /** OKHOOK_FIXTURES: the user's fixture folder (default ./okhook-fixtures). */
  fixtures?: string;
  /** What the terminal is, for the clipboard: $TERM, $TERM_PROGRAM, inside tmux ($TMUX), VTE. */
  terminal: { term?: string; program?: string; tmux: boolean; vte: boolean };
}

/** A snapshot of the variables okhook understands. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): OkhookEnv {
  const nonEmpty = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);
  return {
    db: nonEmpty(source.OKHOOK_DB),
    port: nonEmpty(source.OKHOOK_PORT),
    forwardTo: nonEmpty(source.OKHOOK_FORWARD_TO),
    secret: nonEmpty(source.OKHOOK_SECRET),
    tunnel: nonEmpty(source.OKHOOK_TUNNEL),
    cloudflared: nonEmpty(source.OKHOOK_CLOUDFLARED),
    tunnelToken: nonEmpty(source.OKHOOK_TUNNEL_TOKEN),
    oktaOrgUrl: nonEmpty(source.OKTA_ORG_URL),
    oktaApiToken: nonEmpty(source.OKTA_API_TOKEN),
    oktaAccessToken: nonEmpty(source.OKTA_ACCESS_TOKEN),
    path: nonEmpty(source.PATH),
    noColor: source.NO_COLOR !== undefined && source.NO_COLOR !== "",
    forceColor: nonEmpty(source.FORCE_COLOR),
    ci: nonEmpty(source.CI) !== undefined,
    clipboard: nonEmpty(source.OKHOOK_CLIPBOARD),
    fixtures: nonEmpty(source.OKHOOK_FIXTURES),
    terminal: {
      term: nonEmpty(source.TERM),
      program: nonEmpty(source.TERM_PROGRAM),
      tmux: nonEmpty(source.TMUX) !== undefined,
      vte: nonEmpty(source.VTE_VERSION) !== undefined,
    },
  };
}

/** Credentials okhook reads that no child process needs. */
const PRIVATE_VARIABLES = [
  "OKHOOK_SECRET",
  "OKHOOK_TUNNEL_TOKEN",
  "OKTA_API_TOKEN",
  "OKTA_ACCESS_TOKEN",
] as const;

/**
 * The environment a child process (cloudflared) inherits: everything but okhook's own
 * credentials, which any process of the user could otherwise read in /proc/<pid>/environ
 * (a tunnel token reaches cloudflared explicitly, as TUNNEL_TOKEN).
 */
export function childEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = { ...source };
  for (const name of PRIVATE_VARIABLES) delete env[name];
  return env;
}

/**
 * The OS-appropriate data directory for okhook (XDG on Linux, Library on macOS, AppData on
 * Windows). Not env-paths: it reads process.env and the home directory itself (so this file
 * would not be the one reader of the environment, and tests could not pass either), and it
 * uses a relative XDG_DATA_HOME, which the XDG spec says to ignore.
 */
export function defaultDataDir(
  source: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const home = source.HOME || source.USERPROFILE || homedir();
  if (platform === "darwin") return join(home, "Library", "Application Support", "okhook");
  if (platform === "win32") {
    const base = source.LOCALAPPDATA || join(home, "AppData", "Local");
    return join(base, "okhook", "Data");
  }
  const xdg = source.XDG_DATA_HOME;
  return join(xdg?.startsWith("/") ? xdg : join(home, ".local", "share"), "okhook");
}

/** The folder `okhook fixtures capture` writes, listed and sent beside the built-ins. */
export const DEFAULT_USER_FIXTURES_DIR = "okhook-fixtures";

/** The user's fixture folder: flag > OKHOOK_FIXTURES > ./okhook-fixtures, from `cwd`. */
export function resolveFixturesDir(
  flag: string | undefined,
  env: OkhookEnv,
  cwd: string = process.cwd(),
): string {
  return resolve(cwd, flag ?? env.fixtures ?? DEFAULT_USER_FIXTURES_DIR);
}

/** Database path: flag > OKHOOK_DB > OS default. */
export function resolveDbPath(flag: string | undefined, env: OkhookEnv = readEnv()): string {
  return flag ?? env.db ?? join(defaultDataDir(), "okhook.db");
}

/** Create the DB's directory with mode 0700 when it does not exist yet. */
export function ensurePrivateDir(file: string): void {
  const dir = dirname(file);
  makeDirs(dir);
  if (dir === join(defaultDataDir())) {
    try {
      chmodSync(dir, 0o700);
    } catch {
      // best effort: the directory may belong to someone else
    }
  }
}

/**
 * `mkdir -p` without fs's `recursive` mode, which loops forever (100% CPU, no error) where
 * mkdir answers ENOENT under a parent that exists, e.g. `--db /proc/x/okhook.db`.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

/** Parse a port value, 0–65535; `flag` names where it came from (`--port`, `OKHOOK_PORT`). */
export function parsePort(value: string, flag = "--port"): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(
      `${flag} "${value}": not a port number (try ${inputExample(flag, "8787")}, or 0 for any free port)`,
    );
  }
  return n;
}

/** Parse a positive integer flag value. */
export function parseCount(
  value: string,
  flag: string,
  { min = 0, max = Number.MAX_SAFE_INTEGER } = {},
): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(`${flag} "${value}": expected a whole number from ${min} to ${max}`);
  }
  return n;
}

/**
 * Run React's production build for the TUI. The development build records a performance
 * measure for every render and Node keeps them all, so a long-running TUI would grow by
 * about a megabyte per frame. Call before the first import of ink/react; it is the only
 * place okhook writes the environment, and it only affects this process.
 */
export function selectProductionReact(): void {
  process.env.NODE_ENV = "production";
}
