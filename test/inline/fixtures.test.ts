import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_INLINE_FIXTURE,
  listInlineFixtures,
  loadInlineFixture,
} from "../../src/inline/fixtures.js";
import { prepareInlineRequest } from "../../src/inline/request.js";
import { INLINE_TYPE_NAMES } from "../../src/inline/types.js";
import { parseSetArg } from "../../src/payload/edit.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";

afterEach(cleanupTmp);

describe("inline fixtures", () => {
  it("every shipped fixture validates against its type's schema, every type has one", () => {
    const all = listInlineFixtures();
    for (const f of all) expect(() => loadInlineFixture(f.name), f.name).not.toThrow();
    expect(new Set(all.map((f) => f.type))).toEqual(new Set(INLINE_TYPE_NAMES));
    expect(all.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        "token.access-only",
        "registration.progressive-profile",
        "telephony.pre-enrollment",
        "telephony.mfa-verification",
        "telephony.account-unlock",
        "telephony.password-reset",
      ]),
    );
  });

  it("a type name loads its default fixture; a prefix loads the one fixture it names", () => {
    for (const t of INLINE_TYPE_NAMES) {
      expect(loadInlineFixture(t).name).toBe(DEFAULT_INLINE_FIXTURE[t]);
    }
    expect(loadInlineFixture("telephony.pass").request.requestType).toBe(
      "com.okta.user.telephony.password-reset",
    );
    expect(loadInlineFixture("token.access").request.data).not.toHaveProperty("identity");
  });

  it("unknown and ambiguous names say what exists", () => {
    expect(() => loadInlineFixture("tokn")).toThrow(
      /no such type or fixture \(did you mean token\?/,
    );
    expect(() => loadInlineFixture("telephony.")).toThrow(/matches telephony.account-unlock, /);
  });

  it.each([
    [
      "Okta's OAS example with numbers for versions",
      (r: Record<string, unknown>) => Object.assign(r, { eventTypeVersion: 1 }),
      /\/eventTypeVersion must be string/,
    ],
    [
      "a telephony request without its OTP",
      (r: Record<string, unknown>) => {
        delete (r.data as { messageProfile: Record<string, unknown> }).messageProfile.otpCode;
        return r;
      },
      /\/data\/messageProfile\/otpCode is required/,
    ],
    [
      "a progressive profile request without userProfileUpdate",
      (r: Record<string, unknown>) => {
        r.requestType = "progressive.profile";
        return r;
      },
      /\/data\/userProfileUpdate is required/,
    ],
  ])("a user file is validated: %s", (_n, mutate, message) => {
    const base = _n.includes("telephony")
      ? "telephony"
      : _n.includes("progressive")
        ? "registration"
        : "token";
    const file = join(tmpDir(), "req.json");
    writeFileSync(file, JSON.stringify(mutate(structuredClone(loadInlineFixture(base).request))));
    expect(() => loadInlineFixture(file)).toThrow(message);
  });

  it("a file whose eventType is no inline hook type is refused by name", () => {
    const file = join(tmpDir(), "event.json");
    writeFileSync(file, JSON.stringify({ eventType: "com.okta.event_hook", data: {} }));
    expect(() => loadInlineFixture(file)).toThrow(
      /eventType "com.okta.event_hook" is not an inline hook type/,
    );
  });

  it("prepare gives fresh ids, applies --set, and refills the SMS template from a new OTP", () => {
    const { request } = loadInlineFixture("telephony");
    const masked = structuredClone(request) as { data: { messageProfile: Record<string, string> } };
    masked.data.messageProfile.otpCode = "******";
    masked.data.messageProfile.msgTemplate = "Your Example verification code is ******";
    const out = prepareInlineRequest(masked, {
      edits: [parseSetArg("data.messageProfile.otpCode=123456")],
      clock: () => Date.parse("2026-11-21T00:00:00Z"),
    });
    const mp = (out.request.data as { messageProfile: Record<string, string> }).messageProfile;
    expect(mp.msgTemplate).toBe("Your Example verification code is 123456");
    expect(out.templateRefilled).toBe(1);
    expect(out.request.eventTime).toBe("2026-11-21T00:00:00.000Z");
    expect(out.request.eventId).not.toBe(request.eventId);
    expect(out.request.eventId).toMatch(/^[\w-]{22}$/);
  });
});
