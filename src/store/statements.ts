import type { Statement } from "better-sqlite3";
import type { Db } from "./db.js";

/**
 * Prepared statements of one connection, each prepared on first use and kept: the
 * repositories share it, so a statement is compiled once per Store whoever runs it.
 */
export class Statements {
  private readonly cache = new Map<string, Statement>();

  constructor(readonly db: Db) {}

  /** The prepared statement for this SQL text. */
  get(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}
