import { randomBytes } from "node:crypto";
import { chmodSync, lstatSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultDataDir, ensurePrivateDir } from "./config.js";

/** Where internal-error stack traces go: okhook's own data directory, not the shared temp dir. */
export function crashDir(): string {
  return join(defaultDataDir(), "crash");
}

/** Where and when, for tests; everything has a default. */
export interface CrashLogOptions {
  dir?: string;
  now?: Date;
  pid?: number;
}

/**
 * Write a crash report to `<data dir>/crash/okhook-crash-<time>-<pid>.log` and return its
 * path. The directory is 0700 and the file 0600, created exclusively (`wx`): a file or
 * symlink already at that name is never written through, another name is taken instead.
 */
export function writeCrashLog(text: string, o: CrashLogOptions = {}): string {
  const dir = o.dir ?? crashDir();
  privateDir(dir);
  const stamp = (o.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const base = `okhook-crash-${stamp}-${o.pid ?? process.pid}`;
  for (const name of [base, `${base}-${randomBytes(4).toString("hex")}`]) {
    const file = join(dir, `${name}.log`);
    try {
      writeFileSync(file, text, { mode: 0o600, flag: "wx" });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw new Error(`cannot create a crash log in ${dir}: names taken`);
}

/** Create the directory 0700 (parents too), or tighten one that exists; never follow a symlink. */
function privateDir(dir: string): void {
  ensurePrivateDir(join(dir, "crash.log")); // creates missing directories 0700
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}
