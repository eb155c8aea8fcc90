import { existsSync, readFileSync } from "node:fs";
import Database from "better-sqlite3";

/** Read-only query against an okhook DB file written by a spawned process. */
export function query<T = Record<string, unknown>>(
  file: string,
  sql: string,
  ...params: unknown[]
): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Write a meta value into an okhook DB file no process has open (as `listen --register` does). */
export function setMeta(file: string, key: string, value: string): void {
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  try {
    db.prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(key, value);
  } finally {
    db.close();
  }
}

/** Whether `needle` occurs anywhere in the DB file, its WAL or shared-memory file. */
export function dbFilesContain(file: string, needle: string): boolean {
  return [file, `${file}-wal`, `${file}-shm`].some(
    (f) => existsSync(f) && readFileSync(f).includes(Buffer.from(needle)),
  );
}
