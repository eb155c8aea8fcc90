import { type Line, seg } from "./text.js";

/** Lines of a body the Body tab will show at most (a 1 MiB body pretty-prints to ~40k). */
export const MAX_BODY_LINES = 50_000;

const TOKEN =
  /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b|([{}[\],])|(\s+)|([^\s"{}[\],]+)/g;

/** Highlight one line of pretty-printed JSON: keys, strings, numbers, literals, punctuation. */
export function highlightJsonLine(text: string): Line {
  const line: Line = [];
  for (const m of text.matchAll(TOKEN)) {
    const [all, str, colon, num, lit, punct] = m;
    if (str !== undefined) {
      line.push(seg(str, colon ? "key" : "string"));
      if (colon) line.push(seg(colon, "punct"));
    } else if (num !== undefined) line.push(seg(num, "number"));
    else if (lit !== undefined) line.push(seg(lit, "literal"));
    else if (punct !== undefined) line.push(seg(punct, "punct"));
    else line.push(seg(all));
  }
  return line;
}

/**
 * The body as display lines: pretty-printed and highlighted when it is JSON, else the raw
 * text split into lines (nothing is lost: invalid JSON is exactly what the app would get).
 */
export function bodyLines(body: string | null): Line[] {
  if (body === null) return [[seg("(body not stored)", "dim")]];
  if (body.length === 0) return [[seg("(empty body)", "dim")]];
  let pretty: string | null = null;
  try {
    pretty = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    // not JSON: show the raw text
  }
  const raw = (pretty ?? body).split(/\r?\n/);
  const shown = raw.slice(0, MAX_BODY_LINES);
  const lines = pretty === null ? shown.map((t) => [seg(t)]) : shown.map(highlightJsonLine);
  if (pretty === null) lines.unshift([seg("(not JSON: raw text)", "warn")]);
  if (raw.length > shown.length)
    lines.push([seg(`… ${raw.length - shown.length} more lines (okhook show --body)`, "dim")]);
  return lines;
}
