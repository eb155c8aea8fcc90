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

/** Whether `needle` occurs anywhere in the DB file, its WAL or shared-memory file. */
export function dbFilesContain(file: string, needle: string): boolean {
  return [file, `${file}-wal`, `${file}-shm`].some(
    (f) => existsSync(f) && readFileSync(f).includes(Buffer.from(needle)),
  );
}
