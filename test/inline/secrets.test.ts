import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadInlineFixture } from "../../src/inline/fixtures.js";
import { stringSpans } from "../../src/inline/json-spans.js";
import {
  redactCopies,
  redactRequest,
  requiredSecrets,
  secretsOf,
} from "../../src/inline/secrets.js";

const bytes = (name: string, indent?: number) =>
  Buffer.from(JSON.stringify(loadInlineFixture(name).request, null, indent));

describe("secret redaction", () => {
  it("a password import keeps every byte but the password, which becomes * of the same length", () => {
    const raw = bytes("password-import", 2);
    const { body, redacted } = redactRequest(raw);
    expect(body.length).toBe(raw.length);
    expect(body.includes("Tr0ub4dor&3-fake")).toBe(false);
    expect(body.toString()).toContain('"password": "****************"');
    expect(body.toString().replace('"****************"', '"Tr0ub4dor&3-fake"')).toBe(
      raw.toString(),
    );
    expect(redacted).toEqual([
      { path: "data.context.credential.password", what: "password", bytes: 16 },
    ]);
  });

  it("a telephony request loses the OTP in otpCode and inside the SMS template", () => {
    const raw = bytes("telephony.mfa-verification");
    const { body, redacted } = redactRequest(raw);
    expect(body.length).toBe(raw.length);
    expect(body.includes("482913")).toBe(false);
    const mp = JSON.parse(body.toString()).data.messageProfile;
    expect(mp.otpCode).toBe("******");
    expect(mp.msgTemplate).toBe("Your Example verification code is ******");
    expect(redacted.map((r) => r.path)).toEqual([
      "data.messageProfile.otpCode",
      "(elsewhere in the body)",
    ]);
  });

  it("escaped and non-ASCII passwords, numeric OTPs (Okta's OAS example) and odd shapes are masked too", () => {
    const odd = Buffer.from(
      '{"data":{"context":{"credential":{"password":"p\\u00e4ss\\"w\\\\rd ünï"}},"messageProfile":{"otpCode": 482913,"msgTemplate":"code 482913"}},"list":[{"password":"hunter22"}]}',
    );
    const { body } = redactRequest(odd);
    const text = body.toString();
    expect(text).not.toMatch(/p\\u00e4ss|ünï|482913|hunter22/);
    const doc = JSON.parse(text);
    expect(doc.data.messageProfile.otpCode).toBe("******");
    expect(doc.list[0].password).toBe("********");
    expect(requiredSecrets(doc).map((s) => s.path)).toEqual([
      "data.context.credential.password",
      "data.messageProfile.otpCode",
      "list[0].password",
    ]);
  });

  it("a body that is not JSON is left as it is (the caller keeps only its start)", () => {
    expect(redactRequest(Buffer.from("password=hunter2")).redacted).toEqual([]);
  });

  it("copies of a secret in the app's answer are masked", () => {
    const secrets = secretsOf(loadInlineFixture("password-import").request);
    const answer = Buffer.from('{"debugContext":{"pw":"Tr0ub4dor&3-fake"}}');
    expect(redactCopies(answer, secrets).toString()).toBe(
      '{"debugContext":{"pw":"****************"}}',
    );
  });

  it("replay knows which --set a redacted request needs; an intact one needs none", () => {
    const stored = JSON.parse(redactRequest(bytes("password-import")).body.toString());
    expect(requiredSecrets(stored)).toEqual([
      { path: "data.context.credential.password", what: "password" },
    ]);
    expect(requiredSecrets(loadInlineFixture("password-import").request)).toEqual([]);
  });

  it("spans find every string and literal at the right bytes, whatever the formatting", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, 2), (value, indent) => {
        const buf = Buffer.from(JSON.stringify({ v: value }, null, indent));
        for (const s of stringSpans(buf, () => true)) {
          const text = buf.subarray(s.start, s.end).toString();
          const parsed = s.kind === "string" ? JSON.parse(`"${text}"`) : JSON.parse(text);
          let node: unknown = JSON.parse(buf.toString());
          for (const k of s.path) node = (node as Record<string | number, unknown>)[k];
          expect(parsed).toEqual(node);
        }
      }),
      { numRuns: 300 },
    );
  });
});
