// Anything that arrives on the public URL (bodies, headers, paths, Okta display messages,
// actor names) is hostile and must never reach a terminal as something the terminal acts on:
// escape sequences (clear screen, OSC 52 clipboard writes, OSC 8 links), 8-bit C1 controls
// (0x9b is CSI without an ESC), a lone CR that overwrites the line with a fake prompt, or
// format characters that reorder or hide text (bidi overrides, zero-width spaces). Every
// layer renders such text through this one module, so a character is shown the same way
// in the TUI, in every printed view and in error messages.

// C0 controls, DEL, C1 controls; bidi marks, embeddings, overrides and isolates; invisible
// spaces and joiners that can make two different strings look the same; line and paragraph
// separators. ZWJ/ZWNJ (U+200C/D) and variation selectors stay: emoji and scripts need them.
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

/** How one unsafe character is shown: a control picture (␛, ␍, ␊) or `<U+202E>`. */
export function visible(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code === 0x09) return "  ";
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return "\u2421";
  return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
}

/** One line of untrusted text, safe to print: every control and format character shown. */
export function safe(s: string): string {
  return s.replace(UNSAFE, visible);
}

/** Multi-line untrusted text (a body, a log), safe to print: newlines kept, the rest shown. */
export function safeLines(s: string): string {
  return s
    .split("\n")
    .map((l) => l.replace(UNSAFE, visible))
    .join("\n");
}

/** Whether `s` holds anything `safe` would change. */
export function hasUnsafe(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return found;
}

// A colour/style sequence as chalk writes it: the only escape okhook's own output contains.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape is the point
const SGR = /(\u001b\[[0-9;]*m)/;

/**
 * Last line of defence for a rendered view: keeps newlines and okhook's own colours (SGR),
 * shows every other control or format character. Fields are made `safe` where they are
 * inserted; this catches one that was missed, so no escape other than colour gets out.
 */
export function guardOutput(rendered: string): string {
  return rendered
    .split(SGR)
    .map((part, i) => (i % 2 === 1 ? part : safeLines(part)))
    .join("");
}

// JSON.stringify escapes C0 controls but leaves DEL, C1 and format characters raw; a JSON
// document printed to a terminal must not carry them either. `\uXXXX` parses to the same
// string, so the document stays exact.
const JSON_UNSAFE =
  /[\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

/** JSON text with every character a terminal could act on written as a `\uXXXX` escape. */
export function jsonSafe(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `JSON.stringify` whose output is safe to print (see `jsonSafe`). */
export function toJson(value: unknown, indent?: number): string {
  return jsonSafe(JSON.stringify(value, null, indent));
}
