import { existsSync } from "node:fs";
import { resolveDbPath } from "../config.js";
import { ConfigError } from "../errors.js";
import { openDb } from "../store/db.js";
import { asStoreError } from "../store/errors.js";
import { Store } from "../store/store.js";
import type { CliContext } from "./context.js";
import { userError } from "./store-words.js";

/**
 * Open an existing store: read-only (SQLITE_OPEN_READONLY: works in a read-only directory)
 * unless the command writes to it (`{ write: true }`: a read-only database is then an exit 3
 * that says so). A missing file is a configuration error only when the user named it; the
 * default location simply has nothing yet (`null`).
 */
export async function openStoreForRead(
  dbFlag: string | undefined,
  ctx: CliContext,
  { write = false } = {},
): Promise<{ store: Store | null; path: string }> {
  const path = resolveDbPath(dbFlag, ctx.env);
  if (!existsSync(path)) {
    if (dbFlag ?? ctx.env.db) {
      throw new ConfigError(
        `--db ${path}: no such database (okhook listen creates it; check the path)`,
      );
    }
    return { store: null, path };
  }
  return { store: new Store(openDb(path, { readonly: !write })), path };
}

/** Use a store opened for reading, then close it; SQLite failures become one-line exit 3 errors. */
export async function withStore<T>(
  store: Store,
  path: string,
  fn: (store: Store) => T | Promise<T>,
): Promise<T> {
  try {
    return await fn(store);
  } catch (err) {
    throw userError(asStoreError(path, err));
  } finally {
    store.close();
  }
}
