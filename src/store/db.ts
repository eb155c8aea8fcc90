import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from "node:fs";
import Database from "better-sqlite3";
import { ensurePrivateDir } from "../config.js";
import { BUSY_TIMEOUT_MS, StoreError, toStoreError, whyReadOnly } from "./errors.js";
import { MIGRATIONS } from "./migrations.js";

export type Db = Database.Database;

/**
 * Largest database read into memory when it cannot be read in place (left in WAL mode in a
 * read-only directory: SQLite would have to create its -wal beside it).
 */
export const SNAPSHOT_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Open the okhook database. Writable (default): created if needed (0600), WAL, foreign keys,
 * migrated. `readonly`: an existing file, opened with SQLITE_OPEN_READONLY, nothing written
 * (see openReadonly). Failures are StoreErrors.
 */
export function openDb(file: string, { readonly = false }: { readonly?: boolean } = {}): Db {
  return readonly ? openReadonly(file) : openWritable(file);
}

function openWritable(file: string): Db {
  let db: Db;
  try {
    // SQLite would open a file it may not write read-only, and fail only at the first write.
    const readOnly = file !== ":memory:" && existsSync(file) ? whyReadOnly(file) : undefined;
    if (readOnly) throw new StoreError(file, { code: "readOnly", reason: readOnly });
    createPrivateFile(file);
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw toStoreError(file, err);
  }
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db, file);
  } catch (err) {
    db.close();
    throw toStoreError(file, err);
  }
  return db;
}

/**
 * Read-only: the first read opens the WAL, so a database left in WAL mode whose -wal cannot
 * be created (read-only directory) fails here, and is then read from an in-memory copy. A
 * schema from an older okhook is upgraded once in place (a write; said in words if refused).
 */
function openReadonly(file: string, upgraded = false): Db {
  let db: Db | undefined;
  let version: number;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    version = db.pragma("user_version", { simple: true }) as number;
  } catch (err) {
    db?.close();
    return snapshot(file, err);
  }
  if (version === MIGRATIONS.length) return db;
  db.close();
  if (version > MIGRATIONS.length) throw newerSchema(file, version);
  if (upgraded) throw new StoreError(file, { code: "upgradeFailed" });
  const readOnly = whyReadOnly(file);
  if (readOnly) throw new StoreError(file, { code: "readOnly", reason: readOnly, upgrade: true });
  closeDb(openWritable(file));
  return openReadonly(file, true);
}

/** A database in WAL mode that cannot be opened in place, read from an in-memory copy. */
function snapshot(file: string, err: unknown): Db {
  const code = (err as { code?: string }).code ?? "";
  if (!/^SQLITE_(READONLY|CANTOPEN)/.test(code) || !walMode(file)) throw toStoreError(file, err);
  const reason = whyReadOnly(file);
  if (existsSync(`${file}-wal`))
    throw new StoreError(file, { code: "walNeedsShm", reason }, { cause: err });
  if (statSync(file).size > SNAPSHOT_MAX_BYTES)
    throw new StoreError(file, { code: "walTooLarge", reason }, { cause: err });
  const bytes = readFileSync(file);
  // Header bytes 18–19: 1 = rollback journal, so the copy is read without a WAL.
  bytes[18] = 1;
  bytes[19] = 1;
  const db = new Database(bytes);
  try {
    migrate(db, file);
    db.pragma("query_only = ON");
  } catch (e) {
    db.close();
    throw toStoreError(file, e);
  }
  return db;
}

/** Whether the file's header marks it as a WAL database. */
function walMode(file: string): boolean {
  try {
    const fd = openSync(file, "r");
    try {
      const header = Buffer.alloc(20);
      readSync(fd, header);
      return header[18] === 2;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * Close, leaving a database this connection wrote in rollback-journal mode when it is the
 * last connection: at rest, a reader then needs no -wal/-shm beside it (a read-only
 * directory). With other connections open it stays in WAL, as before.
 */
export function closeDb(db: Db): void {
  if (!db.open) return;
  if (!db.readonly && !db.memory) {
    try {
      db.pragma("busy_timeout = 0");
      db.pragma("journal_mode = DELETE");
    } catch {
      // another connection is open: it closes the database later
    }
  }
  db.close();
}

function createPrivateFile(file: string): void {
  if (file === ":memory:" || existsSync(file)) return;
  ensurePrivateDir(file);
  closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
}

function newerSchema(file: string, version: number): StoreError {
  return new StoreError(file, { code: "newerSchema", version });
}

function migrate(db: Db, file: string): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) throw newerSchema(file, current);
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
