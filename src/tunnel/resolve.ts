import { accessSync, constants, renameSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { describeError, NetworkError } from "../errors.js";
import { oneLine } from "./cloudflared-log.js";

/** Longest wait for the npm package's download of the cloudflared binary. */
export const INSTALL_TIMEOUT_MS = 60_000;

/** Ways to install cloudflared, named in every "not found" message. */
export const INSTALL_WAYS =
  "brew install cloudflared, apt install cloudflared, or a binary from https://github.com/cloudflare/cloudflared/releases";

/** Where the binary came from. */
export type CloudflaredSource = "flag" | "path" | "npm";

/** A cloudflared binary ready to spawn. */
export interface ResolvedCloudflared {
  path: string;
  source: CloudflaredSource;
  /** True when the npm package's binary was downloaded by this call. */
  installed?: boolean;
}

/** Downloads cloudflared to `to` (the npm package's `install`); may "succeed" without a file. */
export type InstallCloudflared = (to: string) => Promise<unknown>;

/** Inputs of {@link resolveCloudflared}; every environment value is passed in. */
export interface ResolveCloudflaredOptions {
  /** `--cloudflared` or OKHOOK_CLOUDFLARED value: a path, or a bare name looked up on PATH. */
  explicit?: string;
  /** How to name the explicit value in messages. */
  explicitLabel?: string;
  /** The PATH string to search. */
  pathEnv?: string;
  /** PATHEXT on Windows. */
  pathExt?: string;
  platform?: NodeJS.Platform;
  /** The npm package's binary path; default: its DEFAULT_CLOUDFLARED_BIN; false skips npm. */
  npmBinPath?: string | false;
  /** Downloader for a missing npm binary; default: the package's `install`; false: never download. */
  install?: InstallCloudflared | false;
  installTimeoutMs?: number;
}

/** Find cloudflared: explicit value, then PATH, then the npm package's binary (downloaded if missing). */
export async function resolveCloudflared(
  options: ResolveCloudflaredOptions = {},
): Promise<ResolvedCloudflared> {
  const platform = options.platform ?? process.platform;
  const lookup = { pathEnv: options.pathEnv, pathExt: options.pathExt, platform };
  if (options.explicit) {
    const found = resolveExplicit(options.explicit, lookup);
    if (found) return { path: found, source: "flag" };
    const label = options.explicitLabel ?? "--cloudflared";
    throw new NetworkError(
      `${label} "${options.explicit}": no executable cloudflared there (fix the path, or install cloudflared: ${INSTALL_WAYS})`,
    );
  }
  const onPath = findOnPath("cloudflared", lookup);
  if (onPath) return { path: onPath, source: "path" };
  const tried = ["--cloudflared/OKHOOK_CLOUDFLARED not set", "no cloudflared on PATH"];
  const npm = await resolveNpm(options, platform);
  if ("path" in npm) return npm;
  tried.push(npm.tried);
  throw new NetworkError(
    `cloudflared not found (${tried.join("; ")}): install it (${INSTALL_WAYS}) or pass --cloudflared <path>`,
  );
}

interface Lookup {
  pathEnv: string | undefined;
  pathExt: string | undefined;
  platform: NodeJS.Platform;
}

function resolveExplicit(value: string, lookup: Lookup): string | undefined {
  const hasSeparator = value.includes("/") || (lookup.platform === "win32" && value.includes("\\"));
  if (hasSeparator) return isExecutable(value, lookup.platform) ? value : undefined;
  return findOnPath(value, lookup) ?? (isExecutable(value, lookup.platform) ? value : undefined);
}

/** First executable `name` in the PATH directories (with PATHEXT suffixes on Windows). */
export function findOnPath(name: string, lookup: Lookup): string | undefined {
  const win = lookup.platform === "win32";
  const dirs = (lookup.pathEnv ?? "").split(win ? ";" : ":").filter((d) => d !== "");
  const exts = win
    ? ["", ...(lookup.pathExt ?? ".EXE;.CMD;.BAT;.COM").split(";").filter((e) => e !== "")]
    : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (isExecutable(candidate, lookup.platform)) return candidate;
    }
  }
  return undefined;
}

/** A regular file we may execute (on Windows: any regular file). */
export function isExecutable(file: string, platform: NodeJS.Platform = process.platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== "win32") accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function resolveNpm(
  options: ResolveCloudflaredOptions,
  platform: NodeJS.Platform,
): Promise<ResolvedCloudflared | { tried: string }> {
  if (options.npmBinPath === false) return { tried: "npm package binary not used" };
  const pkg =
    options.npmBinPath === undefined || options.install === undefined
      ? await loadNpmPackage()
      : undefined;
  const binPath = options.npmBinPath ?? pkg?.binPath;
  if (!binPath) return { tried: "npm package cloudflared not installed" };
  if (isExecutable(binPath, platform)) return { path: binPath, source: "npm" };
  const install = options.install ?? pkg?.install;
  if (!install) return { tried: `no binary at ${binPath} (download disabled)` };
  const timeoutMs = options.installTimeoutMs ?? INSTALL_TIMEOUT_MS;
  const failure = await installBinary({ install, binPath, timeoutMs, platform });
  if (failure === undefined) return { path: binPath, source: "npm", installed: true };
  return { tried: `npm package binary ${binPath} ${failure}` };
}

async function loadNpmPackage(): Promise<
  { binPath: string; install: InstallCloudflared } | undefined
> {
  try {
    const mod = await import("cloudflared");
    return { binPath: mod.DEFAULT_CLOUDFLARED_BIN, install: (to) => mod.install(to) };
  } catch {
    return undefined;
  }
}

/**
 * Download into a temporary sibling and rename it into place only once it is a complete,
 * executable file: offline, the package's installer "succeeds" without writing anything, and a
 * download cut off by our timeout must never leave a half-written binary at the real path.
 * Returns undefined on success, else why it failed.
 */
async function installBinary(args: {
  install: InstallCloudflared;
  binPath: string;
  timeoutMs: number;
  platform: NodeJS.Platform;
}): Promise<string | undefined> {
  const tmp = join(args.binPath, "..", `${basename(args.binPath)}.okhook-${process.pid}.tmp`);
  const settle = (): boolean => {
    if (!isExecutable(tmp, args.platform)) return false;
    renameSync(tmp, args.binPath);
    return true;
  };
  const cleanup = () => rmSync(tmp, { force: true });
  let timer: NodeJS.Timeout | undefined;
  const download = Promise.resolve().then(() => args.install(tmp));
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), args.timeoutMs);
  });
  try {
    const outcome = await Promise.race([download.then(() => "done" as const), timeout]);
    if (outcome === "timeout") {
      // A late finish still lands the binary for the next run; a late failure cleans up.
      download.then(() => settle() || cleanup()).catch(() => cleanup());
      return `download timed out after ${Math.round(args.timeoutMs / 1000)} s`;
    }
    if (settle()) return undefined;
    cleanup();
    return "missing after download (offline?)";
  } catch (err) {
    cleanup();
    return `download failed: ${oneLine(describeError(err), 120)}`;
  } finally {
    clearTimeout(timer);
  }
}
