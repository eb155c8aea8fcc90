import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { isLoopbackHost, validateOrgUrl } from "../../src/okta/org-url.js";

describe("validateOrgUrl", () => {
  it("returns the origin without a trailing slash", () => {
    expect(validateOrgUrl("https://dev-123.okta.com/")).toBe("https://dev-123.okta.com");
    expect(validateOrgUrl("  https://Example.OktaPreview.com  ")).toBe(
      "https://example.oktapreview.com",
    );
    expect(validateOrgUrl("https://login.example.com:8443")).toBe("https://login.example.com:8443");
  });

  it("allows plain http on loopback only", () => {
    expect(validateOrgUrl("http://127.0.0.1:4010")).toBe("http://127.0.0.1:4010");
    expect(validateOrgUrl("http://127.5.6.7:1")).toBe("http://127.5.6.7:1");
    expect(validateOrgUrl("http://localhost:8080/")).toBe("http://localhost:8080");
    expect(validateOrgUrl("http://[::1]:9000")).toBe("http://[::1]:9000");
    expect(() => validateOrgUrl("http://dev-123.okta.com")).toThrow(
      /https is required.*try --org https:\/\/dev-123\.okta\.com/,
    );
  });

  it.each([
    ["dev-123.okta.com", /not a URL/],
    ["ftp://dev-123.okta.com", /not an https URL/],
    ["https://dev-123.okta.com/oauth2/default", /no path or query.*https:\/\/dev-123\.okta\.com\)/],
    ["https://dev-123.okta.com/?x=1", /no path or query/],
    ["https://user:pw@dev-123.okta.com", /credentials/],
    ["https://dev-123-admin.okta.com", /Admin Console.*try --org https:\/\/dev-123\.okta\.com\)/],
  ])("rejects %s with a fix", (raw, pattern) => {
    let caught: unknown;
    try {
      validateOrgUrl(raw);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(2);
    expect((caught as Error).message).toMatch(pattern);
    expect((caught as Error).message).not.toContain("\n");
  });

  it("names the source of the value", () => {
    expect(() => validateOrgUrl("nope", "OKTA_ORG_URL")).toThrow(/^OKTA_ORG_URL "nope"/);
  });

  it("recognises loopback hosts", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
    expect(isLoopbackHost("127.0.0.1.example.com")).toBe(false);
  });
});
