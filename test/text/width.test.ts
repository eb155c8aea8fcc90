import fc from "fast-check";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { padEnd, padTo, textWidth, truncate } from "../../src/text/width.js";

describe("terminal width", () => {
  it("counts CJK and emoji as two cells, colour escapes as none", () => {
    expect(textWidth("漢字")).toBe(4);
    expect(textWidth("👩‍💻")).toBe(2);
    expect(textWidth("\u001b[32mok\u001b[39m")).toBe(2);
    expect(padEnd("\u001b[32m漢\u001b[39m", 4)).toBe("\u001b[32m漢\u001b[39m  ");
  });

  it("truncates by cells without splitting a character", () => {
    expect(truncate("漢字テスト", 5)).toBe("漢字…");
    expect(truncate("👩‍💻👩‍💻👩‍💻", 5)).toBe("👩‍💻👩‍💻…");
    expect(truncate("abc", 3)).toBe("abc");
    expect(truncate("abcd", 1)).toBe("…");
  });

  it("padTo always gives exactly the width asked for", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "漢", "👩‍💻", "é", "ｱ", "😀", " ") }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom<"left" | "right">("left", "right"),
        (s, w, align) => {
          expect(stringWidth(padTo(s, w, align))).toBe(w);
        },
      ),
    );
  });
});
