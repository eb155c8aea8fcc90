import ms from "ms";
import { UsageError } from "./errors.js";

/**
 * Parse a `--since`/`--until` value: a duration back from `now` (`30m`, `2h`, `7d`) or an
 * ISO 8601 timestamp. Returns epoch milliseconds.
 */
export function parseTimeArg(value: string, flag: string, now: number = Date.now()): number {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?\s*[a-z]+$/i.test(trimmed)) {
    const span = ms(trimmed as ms.StringValue);
    if (typeof span === "number" && Number.isFinite(span) && span >= 0) return now - span;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const t = Date.parse(trimmed);
    if (Number.isFinite(t)) return t;
  }
  throw new UsageError(
    `${flag} "${value}": not a duration or ISO time (try ${flag} 2h, ${flag} 7d or ${flag} 2026-11-20T00:00:00Z)`,
  );
}

/** ISO 8601 string of epoch milliseconds. */
export function iso(t: number): string {
  return new Date(t).toISOString();
}
