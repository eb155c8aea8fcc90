// Where each string value of a JSON document sits in its raw bytes, so a secret can be
// overwritten in place: the stored body keeps every other byte (and its length) exactly as
// Okta sent it. Works on bytes: JSON's structural characters are ASCII, and UTF-8
// continuation bytes never equal `"` or `\`. Call only on text JSON.parse accepted.

/**
 * A scalar value: its path from the root and its byte range — a string's content without
 * the quotes, or a number/true/false/null literal as written.
 */
export interface StringSpan {
  path: (string | number)[];
  start: number;
  end: number;
  kind: "string" | "literal";
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Spans of the scalar values whose path `wanted` accepts. */
export function stringSpans(
  buf: Uint8Array,
  wanted: (path: readonly (string | number)[]) => boolean,
): StringSpan[] {
  const spans: StringSpan[] = [];
  let i = 0;
  const ws = () => {
    while (
      i < buf.length &&
      (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)
    )
      i++;
  };
  const string = (): [number, number] => {
    const start = ++i;
    while (buf[i] !== QUOTE) i += buf[i] === BACKSLASH ? 2 : 1;
    return [start, i++];
  };
  const value = (path: (string | number)[]): void => {
    ws();
    const c = buf[i];
    if (c === QUOTE) {
      const [start, end] = string();
      if (wanted(path)) spans.push({ path, start, end, kind: "string" });
    } else if (c === 0x7b) {
      i++;
      ws();
      while (buf[i] !== 0x7d) {
        const [ks, ke] = string();
        const key = JSON.parse(
          Buffer.from(buf.subarray(ks - 1, ke + 1)).toString("utf8"),
        ) as string;
        ws();
        i++; // ':'
        value([...path, key]);
        ws();
        if (buf[i] === 0x2c) i++;
        ws();
      }
      i++;
    } else if (c === 0x5b) {
      i++;
      ws();
      for (let n = 0; buf[i] !== 0x5d; n++) {
        value([...path, n]);
        ws();
        if (buf[i] === 0x2c) i++;
      }
      i++;
    } else {
      const start = i;
      while (i < buf.length && ![0x2c, 0x7d, 0x5d, 0x20, 0x0a, 0x0d, 0x09].includes(buf[i]!)) i++;
      if (wanted(path)) spans.push({ path, start, end: i, kind: "literal" });
    }
  };
  value([]);
  return spans;
}
