import { accessSync, constants } from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "../errors.js";

/** How long a statement waits for another okhook process holding the write lock. */
export const BUSY_TIMEOUT_MS = 5000;

/** Why a database file cannot be written here, and what to do about it (undefined: it can). */
export function whyReadOnly(file: string): { why: string; fix: string } | undefined {
  const dir = dirname(file);
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EROFS")
      return { why: "it is on a read-only file system", fix: "copy it somewhere writable" };
    return { why: `its directory ${dir} is not writable`, fix: `make ${dir} writable` };
  }
  try {
    accessSync(file, constants.W_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { why: "the file is not writable", fix: `make it writable (chmod u+w ${file})` };
  }
  return undefined;
}

/**
 * A write needed on a database that is read-only here, said in words: what cannot be
 * written, why, and the fix. `need` names what writes (default: the command itself).
 */
export function readOnlyError(
  file: string,
  cause?: unknown,
  need = "this command writes to it",
): ConfigError {
  const r = whyReadOnly(file) ?? {
    why: "SQLite refused to write it",
    fix: "check its permissions and those of its directory",
  };
  return new ConfigError(
    `--db ${file}: the database is read-only here (${r.why}) and ${need}; ${r.fix}, or copy it somewhere writable and pass --db <copy>`,
    { cause },
  );
}

/**
 * For errors thrown while using an open database (e.g. SQLITE_CORRUPT on a damaged page, or
 * SQLITE_BUSY past the busy timeout): SQLite's become the one-line ConfigError, others pass.
 */
export function asDbError(file: string, err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_") ? dbError(file, err) : err;
}

/**
 * Turn a SQLite/file-system failure into a one-line ConfigError naming the file and the fix
 * (`purpose`: what was writing, for a read-only database).
 */
export function dbError(file: string, err: unknown, purpose?: string): Error {
  if (err instanceof ConfigError) return err;
  const code = (err as { code?: string }).code ?? "";
  const msg = err instanceof Error ? err.message : String(err);
  if (
    code === "SQLITE_NOTADB" ||
    code === "SQLITE_CORRUPT" ||
    /not a database|malformed/.test(msg)
  ) {
    return new ConfigError(
      `--db ${file}: not a readable okhook database (corrupt or another format); move it aside or pass --db <new file>`,
      { cause: err },
    );
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new ConfigError(
      `--db ${file}: locked by another process for over ${BUSY_TIMEOUT_MS / 1000} s; stop it or pass --db <other file>`,
      { cause: err },
    );
  }
  if (code.startsWith("SQLITE_READONLY")) return readOnlyError(file, err, purpose);
  if (code === "EACCES" || code === "EROFS" || code === "EPERM") {
    return new ConfigError(
      `--db ${file}: no write permission (${code}); fix the permissions or pass --db <writable file>`,
      { cause: err },
    );
  }
  if (code === "SQLITE_CANTOPEN" || code === "ENOENT" || code === "ENOTDIR") {
    return new ConfigError(
      `--db ${file}: cannot open (${code}); check the directory exists and is writable, or pass --db <file>`,
      { cause: err },
    );
  }
  return new ConfigError(`--db ${file}: ${msg.split("\n")[0]} (${code || "error"})`, {
    cause: err,
  });
}
