import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MASK_MAX_REVEAL, MASK_MIN_REVEAL, mask } from "../../src/output/format.js";

// The characters of `secret` that `masked` shows: what is left once the dots, the ellipsis
// and a scheme okhook kept are taken out.
function revealed(masked: string, scheme = ""): string {
  return masked.slice(scheme.length).replace(/[•…]/g, "");
}

const secretChar = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=",
);

describe("mask", () => {
  it("shows nothing of a short secret, also behind a scheme", () => {
    expect(mask("Bearer s3cr3t")).toBe("Bearer ••••••••");
    expect(mask("SSWS 00abcdef")).toBe("SSWS ••••••••");
    expect(mask("hunter2-secret")).toBe("…t");
    expect(mask("s3cr3t")).toBe("••••••••");
  });

  it("shows at most 4 characters of a long secret, and at most one in eight", () => {
    expect(mask("Bearer 0123456789abcdefghijklmnopqrstuv")).toBe("Bearer 01…uv");
    fc.assert(
      fc.property(
        fc.constantFrom("", "Bearer ", "SSWS ", "Basic ", "bearer  "),
        fc.string({ unit: secretChar, maxLength: 200 }),
        (scheme, secret) => {
          const masked = mask(scheme + secret);
          const shown = revealed(masked, scheme ? masked.slice(0, scheme.length) : "");
          const n = [...secret].length;
          expect(shown.length).toBeLessThanOrEqual(
            n < MASK_MIN_REVEAL ? 0 : Math.min(MASK_MAX_REVEAL, n / 8),
          );
          if (n >= 4) expect(masked).not.toContain(secret);
        },
      ),
    );
  });

  it("does not take a passphrase's first word for a scheme", () => {
    expect(mask("correct horse battery")).toBe("c…y");
  });
});
