import { safe } from "../text/sanitize.js";
import { padTo, textWidth, truncate } from "../text/width.js";

/** Semantic colours; the theme maps them to terminal colours, or to none under NO_COLOR. */
export type Tone =
  | "plain"
  | "dim"
  | "title"
  | "accent"
  | "ok"
  | "warn"
  | "bad"
  | "key"
  | "string"
  | "number"
  | "literal"
  | "punct";

/** A run of text in one tone. */
export interface Segment {
  text: string;
  tone?: Tone;
  bold?: boolean;
}

/** One screen line made of segments. */
export type Line = Segment[];

/** Untrusted text made safe to print (one sanitiser for every layer: src/text/sanitize.ts). */
export { safe };

/** Shorthand for a segment (text made safe to print). */
export function seg(text: string, tone?: Tone, bold?: boolean): Segment {
  const t = safe(text);
  return bold ? { text: t, tone, bold } : { text: t, tone };
}

/** Cut to `width` terminal cells, marking the cut with an ellipsis. */
/** Truncate then pad with spaces to exactly `width` terminal cells. */
export { padTo, truncate };

/** Cut a line of segments to `width` terminal cells. */
export function clipLine(line: Line, width: number): Line {
  const out: Line = [];
  let left = width;
  for (const s of line) {
    if (left <= 0) break;
    const w = textWidth(s.text);
    if (w <= left) {
      out.push(s);
      left -= w;
    } else {
      out.push({ ...s, text: truncate(s.text, left) });
      left = 0;
    }
  }
  return out;
}

/** Plain text of a line. */
export function lineText(line: Line): string {
  return line.map((s) => s.text).join("");
}

/** Thousands separators, locale independent: 1,000,000. */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
