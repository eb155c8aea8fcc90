import { describe, expect, it } from "vitest";
import { isAuthHeader, shownHeaders } from "../src/http-headers.js";

describe("http-headers", () => {
  it("treats the configured auth header and authorization as the secret, in any case", () => {
    expect(isAuthHeader("X-Okta-Secret", "x-okta-secret")).toBe(true);
    expect(isAuthHeader("Authorization", "x-okta-secret")).toBe(true);
    expect(isAuthHeader("x-okta-secret", "X-Okta-Secret")).toBe(true);
    expect(isAuthHeader("content-type", "x-okta-secret")).toBe(false);
  });

  it("shows stored headers in order with the auth value hidden, whatever was stored", () => {
    const shown = shownHeaders(
      [
        ["Content-Type", "application/json"],
        ["X-Hook", "leaked-value"],
        ["authorization", "Basic abc"],
      ],
      "x-hook",
    );
    expect(shown).toEqual([
      { name: "Content-Type", value: "application/json", redacted: false },
      { name: "X-Hook", value: "[redacted]", redacted: true },
      { name: "authorization", value: "[redacted]", redacted: true },
    ]);
  });
});
