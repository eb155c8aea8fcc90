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

// C0/C1 controls and DEL: stored bodies and headers are untrusted input and must never
// reach the terminal as escape sequences.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/** Make untrusted text safe to print: control characters become visible symbols, tabs spaces. */
export function safe(s: string): string {
  return s.replace(/\t/g, "  ").replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? "\u2421" : "\ufffd";
  });
}

/** Shorthand for a segment (text made safe to print). */
export function seg(text: string, tone?: Tone, bold?: boolean): Segment {
  const t = safe(text);
  return bold ? { text: t, tone, bold } : { text: t, tone };
}

/** Cut to `width` characters, marking the cut with an ellipsis. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return "";
  if (s.length <= width) return s;
  return width === 1 ? "…" : `${s.slice(0, width - 1)}…`;
}

/** Truncate then pad with spaces to exactly `width` characters. */
export function padTo(s: string, width: number, align: "left" | "right" = "left"): string {
  const t = truncate(s, width);
  return align === "left" ? t.padEnd(width) : t.padStart(width);
}

/** Cut a line of segments to `width` characters. */
export function clipLine(line: Line, width: number): Line {
  const out: Line = [];
  let left = width;
  for (const s of line) {
    if (left <= 0) break;
    if (s.text.length <= left) {
      out.push(s);
      left -= s.text.length;
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
