import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { guardOutput, jsonSafe, safe, safeLines, toJson } from "../../src/text/sanitize.js";
import { RAW_CONTROL } from "../helpers/terminal.js";

const ESC = "\u001b";
describe("safe", () => {
  it.each([
    ["clear screen", `a${ESC}[2Jb`, "a␛[2Jb"],
    ["OSC 52 clipboard write", `${ESC}]52;c;aGk=\u0007`, "␛]52;c;aGk=␇"],
    ["OSC 8 hyperlink", `${ESC}]8;;http://evil${ESC}\\x`, "␛]8;;http://evil␛\\x"],
    ["a fake prompt after CR", "ok\r$ sudo", "ok␍$ sudo"],
    ["a newline in a one-line field", "a\nb", "a␊b"],
    ["C1 CSI without ESC", "\u009b2J", "<U+009B>2J"],
    ["DEL", "a\u007f", "a␡"],
    ["a bidi override", "\u202eevil", "<U+202E>evil"],
    ["a bidi isolate", "\u2066x\u2069", "<U+2066>x<U+2069>"],
    ["a zero-width space", "ad\u200bmin", "ad<U+200B>min"],
    ["a byte-order mark", "\ufeffx", "<U+FEFF>x"],
  ])("shows %s as visible text", (_, input, shown) => {
    expect(safe(input)).toBe(shown);
  });

  it("keeps what is just text: CJK, emoji with joiners, accents", () => {
    for (const s of ["漢字テスト", "👩‍💻 dev", "Zoë Ångström", "ﷺ"]) expect(safe(s)).toBe(s);
  });

  it("never lets a control or format character through, and is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = safe(s);
        expect(out).not.toMatch(RAW_CONTROL);
        expect(out).not.toContain("\n");
        expect(safe(out)).toBe(out);
      }),
    );
  });

  it("safeLines keeps newlines and nothing else", () => {
    expect(safeLines(`a${ESC}[2J\r\nb`)).toBe("a␛[2J␍\nb");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(safeLines(s).split("\n").length).toBe(s.split("\n").length);
        expect(safeLines(s)).not.toMatch(RAW_CONTROL);
      }),
    );
  });
});

describe("guardOutput", () => {
  it("keeps okhook's colours and newlines, shows every other escape", () => {
    const coloured = `${ESC}[32mok${ESC}[39m\n${ESC}[1mid${ESC}[22m`;
    expect(guardOutput(coloured)).toBe(coloured);
    expect(guardOutput(`${ESC}[32mok${ESC}[39m ${ESC}[2J${ESC}]52;c;x\u0007\u009b1m`)).toBe(
      `${ESC}[32mok${ESC}[39m ␛[2J␛]52;c;x␇<U+009B>1m`,
    );
  });
});

describe("JSON", () => {
  it("escapes C1 and format characters, and parses back to the same value", () => {
    const value = { s: `\u009b2J ${ESC}[2J \u202e \u2028 \u007f`, n: 1, a: ["\u200b"] };
    const text = toJson(value, 2);
    expect(text).toContain("\\u009b2J");
    expect(text).toContain("\\u202e");
    expect(text).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(text)).toEqual(value);
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (v, s) => {
        const doc = { v, s };
        const out = jsonSafe(JSON.stringify(doc));
        expect(out).not.toMatch(RAW_CONTROL);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(doc)));
      }),
    );
  });
});
