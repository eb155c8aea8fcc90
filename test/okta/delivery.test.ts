import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { deliveryHeaders, oktaRequestId, verificationHeaders } from "../../src/okta/delivery.js";

describe("Okta request headers", () => {
  it("makes 27-character request ids that differ each time", () => {
    const a = oktaRequestId();
    expect(a).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(oktaRequestId()).not.toBe(a);
  });

  it("builds the delivery POST headers, with the auth header when a secret is set", () => {
    const headers = deliveryHeaders({ secret: "s3cret" }, "aQ3xV9nLk2R7tYp0mZ8wCgAABXk");
    expect(headers).toEqual({
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": "Okta Hook Service v1.0.0",
      "x-okta-request-id": "aQ3xV9nLk2R7tYp0mZ8wCgAABXk",
      authorization: "s3cret",
    });
    expect(deliveryHeaders()).not.toHaveProperty("authorization");
  });

  it("builds the verification GET headers with a custom auth header", () => {
    const headers = verificationHeaders({ secret: "v", authHeader: "X-Hook-Key" }, "c-1");
    expect(headers).toMatchObject({
      "x-okta-verification-challenge": "c-1",
      "user-agent": "Okta-Integrations",
      accept: "application/json",
      "x-hook-key": "v",
    });
    expect(headers["x-okta-request-id"]).toHaveLength(27);
    expect(verificationHeaders()["x-okta-verification-challenge"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a bad header name or a secret with a line break, without echoing it", () => {
    expect(() => deliveryHeaders({ secret: "x", authHeader: "bad header" })).toThrow(UsageError);
    try {
      deliveryHeaders({ secret: "top\nsecret" });
      throw new Error("expected a UsageError");
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).not.toContain("top");
    }
  });
});
