import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import Database from "better-sqlite3";
import { ensurePrivateDir } from "../config.js";
import { ConfigError } from "../errors.js";
import { MIGRATIONS } from "./migrations.js";

export type Db = Database.Database;

/** How long a statement waits for another okhook process holding the write lock. */
export const BUSY_TIMEOUT_MS = 5000;

/** Open (creating if needed) the okhook database: 0600 file, WAL, foreign keys, migrated. */
export function openDb(file: string, { readonly = false } = {}): Db {
  let db: Db;
  try {
    if (!readonly) createPrivateFile(file);
    db = new Database(file, { fileMustExist: readonly, timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw dbError(file, err);
  }
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db);
  } catch (err) {
    db.close();
    throw dbError(file, err);
  }
  return db;
}

function createPrivateFile(file: string): void {
  if (file === ":memory:" || existsSync(file)) return;
  ensurePrivateDir(file);
  closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
}

function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new ConfigError(
      `database schema version ${current} is newer than this okhook understands (upgrade okhook)`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

/**
 * For errors thrown while using an open database (e.g. SQLITE_CORRUPT on a damaged page, or
 * SQLITE_BUSY past the busy timeout): SQLite's become the one-line ConfigError, others pass.
 */
export function asDbError(file: string, err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_") ? dbError(file, err) : err;
}

/** Turn a SQLite/file-system failure into a one-line ConfigError naming the file and the fix. */
export function dbError(file: string, err: unknown): Error {
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
  if (code === "SQLITE_READONLY" || code === "EACCES" || code === "EROFS" || code === "EPERM") {
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
