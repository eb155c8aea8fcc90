// What a terminal acts on, or what reorders or hides text: C0 controls but newline, DEL, C1,
// bidi marks, embeddings, overrides and isolates, zero-width space and BOM. Built from a
// string so the character classes read as the code points they are.
const CONTROL_CLASS =
  "\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200b\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff";

/** Matches any character that must never reach a terminal raw. */
export const RAW_CONTROL = new RegExp(`[${CONTROL_CLASS}]`);

/** okhook's own colour escapes (SGR), the only escape sequences it may print. */
export const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** The first raw control character in `out` (colours ignored), with some context, or null. */
export function firstControl(out: string): string | null {
  const text = out.replace(SGR, "");
  const m = RAW_CONTROL.exec(text);
  if (!m) return null;
  const code = m[0].codePointAt(0)!.toString(16).padStart(4, "0");
  return `U+${code} at ${m.index}: ${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 20))}`;
}
