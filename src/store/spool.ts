import Database from "better-sqlite3";
import type { LogEvent } from "../okta/types.js";

/**
 * Whole System Log events kept aside for `--replay-missing`, in a private temporary SQLite
 * database (SQLite spills it to a temp file when it grows, and deletes it on close), so a
 * large gap costs disk, not memory. Read back in `published` order.
 */
export class EventSpool {
  private readonly db = new Database("");
  private readonly insert;
  private size = 0;

  constructor() {
    this.db.pragma("journal_mode = OFF");
    this.db.pragma("synchronous = OFF");
    this.db.exec(
      "CREATE TABLE spool (seq INTEGER PRIMARY KEY, published TEXT, event_type TEXT, json TEXT NOT NULL)",
    );
    this.insert = this.db.prepare(
      "INSERT INTO spool (published, event_type, json) VALUES (?, ?, ?)",
    );
  }

  /** Keep one event. */
  add(event: LogEvent): void {
    const published = typeof event.published === "string" ? event.published : null;
    const type = typeof event.eventType === "string" ? event.eventType : null;
    this.insert.run(published, type, JSON.stringify(event));
    this.size++;
  }

  /** How many events are kept. */
  get count(): number {
    return this.size;
  }

  /** Distinct event types kept. */
  eventTypes(): string[] {
    return (
      this.db
        .prepare("SELECT DISTINCT event_type AS t FROM spool WHERE event_type IS NOT NULL")
        .all() as { t: string }[]
    ).map((r) => r.t);
  }

  /** Every kept event, oldest `published` first (ties in the order they were added). */
  *ordered(): Generator<LogEvent> {
    const stmt = this.db.prepare("SELECT json FROM spool ORDER BY published, seq");
    for (const row of stmt.iterate() as Iterable<{ json: string }>) {
      yield JSON.parse(row.json) as LogEvent;
    }
  }

  /** Drop the spool (and its temp file). */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
