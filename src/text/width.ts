import stringWidth from "string-width";

// Columns are measured in terminal cells, not UTF-16 code units: a CJK character or most
// emoji take two cells, a combining mark none, and colour escapes none. string-width is
// what Ink measures with, so the TUI and the printed tables agree with it.

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Terminal cells `s` takes (colour escapes count zero). */
export function textWidth(s: string): number {
  return stringWidth(s);
}

/** Cut plain text to at most `width` cells, marking a cut with an ellipsis. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return "";
  if (textWidth(s) <= width) return s;
  let out = "";
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/** Pad with spaces to at least `width` cells (colour escapes ignored); never cuts. */
export function padEnd(s: string, width: number): string {
  const w = textWidth(s);
  return w >= width ? s : s + " ".repeat(width - w);
}

/** Pad on the left to at least `width` cells (colour escapes ignored); never cuts. */
export function padStart(s: string, width: number): string {
  const w = textWidth(s);
  return w >= width ? s : " ".repeat(width - w) + s;
}

/** Plain text cut then padded to exactly `width` cells. */
export function padTo(s: string, width: number, align: "left" | "right" = "left"): string {
  const t = truncate(s, width);
  return align === "left" ? padEnd(t, width) : padStart(t, width);
}
