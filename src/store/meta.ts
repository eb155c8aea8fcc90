import type { Statements } from "./statements.js";

/**
 * The `meta` table: small named values (hook ids per port, the listener's URL and auth
 * shape, the listener lock's row). Compare-and-set and read-then-write in one IMMEDIATE
 * transaction make it safe for several okhook processes on one database.
 */
export class Meta {
  constructor(private readonly sql: Statements) {}

  /** Read a value. */
  get(key: string): string | undefined {
    return (
      this.sql.get("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined
    )?.value;
  }

  /** Write a value. */
  set(key: string, value: string): void {
    this.sql
      .get(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }

  /** Replace a value only while it is still `expected`; whether it was replaced. */
  setIf(key: string, expected: string, value: string): boolean {
    return (
      this.sql
        .get("UPDATE meta SET value = ? WHERE key = ? AND value = ?")
        .run(value, key, expected).changes > 0
    );
  }

  /** Delete a value only while it is still `expected`. */
  deleteIf(key: string, expected: string): void {
    this.sql.get("DELETE FROM meta WHERE key = ? AND value = ?").run(key, expected);
  }

  /**
   * Read a value and write the one `next` makes of it, in one IMMEDIATE transaction: of two
   * processes doing this at the same moment, the second waits for the first's commit and then
   * reads its value. `next` may throw: nothing is written and the error passes through.
   */
  update(key: string, next: (current: string | undefined) => string): void {
    this.sql.db
      .transaction(() => {
        this.set(key, next(this.get(key)));
      })
      .immediate();
  }
}
