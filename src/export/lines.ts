import { LineError } from "./ndjson.js";

/**
 * Longest line import reads by default: a delivery at listen's default --max-body (1 MiB)
 * written as JSON text, worst case every byte a `\u00XX` escape, plus its attempts' answers.
 */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

const NEWLINE = 0x0a;

/** One line of a file: its text (without the line break) and 1-based number. */
export interface Line {
  text: string;
  line: number;
}

/**
 * Split a byte stream into UTF-8 lines with their numbers, holding at most one line in memory:
 * a line longer than `maxBytes` is a LineError as soon as it passes the limit (the rest is
 * never buffered), and so is a line that is not UTF-8. `onBytes` reports progress.
 */
export async function* readLines(
  source: AsyncIterable<Buffer | string>,
  o: { maxBytes?: number; onBytes?: (total: number) => void } = {},
): AsyncGenerator<Line> {
  const max = o.maxBytes ?? MAX_LINE_BYTES;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let parts: Buffer[] = [];
  let pending = 0;
  let line = 1;
  let total = 0;
  const finish = (last: Buffer): Line => {
    const bytes = parts.length ? Buffer.concat([...parts, last]) : last;
    parts = [];
    pending = 0;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new LineError(line, "not UTF-8 text (is this an okhook export?)");
    }
    return { text: text.endsWith("\r") ? text.slice(0, -1) : text, line: line++ };
  };
  for await (const raw of source) {
    const chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
    total += chunk.length;
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      if (pending + nl - start > max) throw tooLong(line, max);
      yield finish(chunk.subarray(start, nl));
      start = nl + 1;
    }
    const rest = chunk.length - start;
    if (pending + rest > max) throw tooLong(line, max);
    if (rest > 0) {
      parts.push(chunk.subarray(start));
      pending += rest;
    }
    o.onBytes?.(total);
  }
  if (pending > 0) yield finish(Buffer.alloc(0));
}

function tooLong(line: number, max: number): LineError {
  const mib = (max / 1024 / 1024).toFixed(max % (1024 * 1024) ? 1 : 0);
  return new LineError(
    line,
    `longer than ${mib} MiB, more than any record okhook writes (a corrupt file? --max-line raises the limit for deliveries stored with a larger --max-body)`,
  );
}
