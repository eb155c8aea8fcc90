// Read-only peeks into a database a running okhook is writing (WAL allows it).
import Database from "better-sqlite3";

/** Poll until `done(row)` or the deadline; returns the last row and when it was read. */
export async function pollDb(file, sql, done, { timeoutMs, intervalMs = 50 }) {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  const stmt = db.prepare(sql);
  const deadline = performance.now() + timeoutMs;
  try {
    for (;;) {
      const row = stmt.get();
      if (done(row) || performance.now() > deadline) return { row, at: performance.now() };
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  } finally {
    db.close();
  }
}

/** One query against a database file, read-only. */
export function queryDb(file, sql, ...params) {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    return db.prepare(sql).all(...params);
  } finally {
    db.close();
  }
}
