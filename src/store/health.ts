import { statSync } from "node:fs";
import Database from "better-sqlite3";
import type { Db } from "./db.js";
import { BUSY_TIMEOUT_MS, type ReadOnlyReason, toStoreError, whyReadOnly } from "./errors.js";
import { MIGRATIONS } from "./migrations.js";
import { Store } from "./store.js";

/**
 * Largest database `doctor` runs SQLite's quick_check on: it reads every page, about a second
 * per few hundred MiB here, and doctor must answer in a few seconds.
 */
export const QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024;

/** What doctor learns about the database file without changing it. */
export interface DbFacts {
  path: string;
  exists: boolean;
  sizeBytes?: number;
  /** Permission bits (`0o600`); undefined on Windows, where they mean nothing. */
  mode?: number;
  /** Why `listen` could not write it here, if it could not. */
  readOnly?: ReadOnlyReason;
  schema?: { version: number; expected: number };
  integrity?:
    | { state: "ok" }
    | { state: "bad"; detail: string }
    | { state: "skipped"; why: string };
  /** Why it could not be opened or read at all. */
  error?: string;
}

/**
 * Inspect the database read-only (SQLITE_OPEN_READONLY: never migrated, never checkpointed)
 * and, when it is readable with the current schema, return the open connection for the
 * meta reads that follow. The caller closes it.
 */
export function inspectDb(
  path: string,
  o: { platform?: NodeJS.Platform; quickCheckMaxBytes?: number } = {},
): { facts: DbFacts; store?: Store } {
  const facts: DbFacts = { path, exists: false };
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      facts.error = toStoreError(path, err).message;
    return { facts };
  }
  facts.exists = true;
  facts.sizeBytes = st.size;
  if ((o.platform ?? process.platform) !== "win32") facts.mode = st.mode & 0o777;
  facts.readOnly = whyReadOnly(path);
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    const version = db.pragma("user_version", { simple: true }) as number;
    facts.schema = { version, expected: MIGRATIONS.length };
    facts.integrity = quickCheck(db, st.size, o.quickCheckMaxBytes ?? QUICK_CHECK_MAX_BYTES);
  } catch (err) {
    db?.close();
    facts.error = toStoreError(path, err).message;
    return { facts };
  }
  if (facts.schema.version !== facts.schema.expected) {
    db.close();
    return { facts };
  }
  return { facts, store: new Store(db) };
}

function quickCheck(db: Db, size: number, maxBytes: number): DbFacts["integrity"] {
  if (size > maxBytes) {
    return {
      state: "skipped",
      why: `${Math.round(size / 1024 / 1024)} MiB is too big to check in a few seconds`,
    };
  }
  const rows = db.pragma("quick_check(5)") as { quick_check: string }[];
  const messages = rows.map((r) => r.quick_check);
  if (messages.length === 1 && messages[0] === "ok") return { state: "ok" };
  return { state: "bad", detail: messages.join("; ") };
}

/** Requests the listener refused for auth in a window: how many, and how many look like Okta's. */
export interface Rejections {
  missing: number;
  wrong: number;
  /** Of those, sent with Okta's User-Agent (the hook's secret or header is what is wrong). */
  fromOkta: number;
  lastAt?: number;
}

/** Rows looked at: a flood of 401s must not make doctor slow. */
const REJECTIONS_LOOKED_AT = 1000;

/** The most recent auth rejections since `sinceMs` (on the received_at index, bounded). */
export function recentRejections(store: Store, sinceMs: number): Rejections {
  const rows = store.db
    .prepare(
      `SELECT auth, received_at AS at, headers LIKE '%"Okta Hook Service%' AS okta FROM deliveries
       WHERE received_at >= ? AND kind = 'rejected' ORDER BY received_at DESC LIMIT ?`,
    )
    .all(sinceMs, REJECTIONS_LOOKED_AT) as { auth: string; at: number; okta: number }[];
  const out: Rejections = { missing: 0, wrong: 0, fromOkta: 0 };
  for (const r of rows) {
    if (r.auth === "missing") out.missing++;
    else out.wrong++;
    if (r.okta) out.fromOkta++;
  }
  if (rows[0]) out.lastAt = rows[0].at;
  return out;
}
