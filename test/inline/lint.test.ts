import { describe, expect, it } from "vitest";
import type { InlineTypeName } from "../../src/inline/types.js";
import { cmd, judge } from "./judge.js";

/** Per type: a valid answer, a misspelt command, a command of another type, what Okta says. */
const TYPES: {
  type: InlineTypeName;
  valid: unknown;
  applied: RegExp;
  misspelt: string;
  foreign: string;
  invalid: RegExp;
  failed: RegExp;
  retried: boolean;
}[] = [
  {
    type: "token",
    valid: cmd("com.okta.access.patch", [{ op: "add", path: "/claims/tenant", value: "acme" }]),
    applied:
      /^Okta issues the token with these changes: access token add \/claims\/tenant = "acme"/,
    misspelt: "com.okta.acess.patch",
    foreign: "com.okta.assertion.patch",
    invalid: /^Okta drops every change and issues the original token: /,
    failed: /^Okta issues the original token \(hook skipped, not retried\): /,
    retried: false,
  },
  {
    type: "registration",
    valid: cmd("com.okta.user.profile.update", { locale: "fr_FR" }),
    applied: /^Okta allows the registration and sets locale/,
    misspelt: "com.okta.user.profile.updates",
    foreign: "com.okta.identity.patch",
    invalid: /^The hook fails, so Okta denies the registration: .*general rule for a failed hook/,
    failed:
      /^Okta denies the registration; the user sees "There was an error creating your account/,
    retried: true,
  },
  {
    type: "password-import",
    valid: cmd("com.okta.action.update", { credential: "VERIFIED" }),
    applied: /^Okta signs the user in and stores the password \(VERIFIED\)/,
    misspelt: "com.okta.actions.update",
    foreign: "com.okta.telephony.action",
    invalid: /^The hook fails, so sign-in fails and the password is not imported: .*general rule/,
    failed: /^Sign-in fails and the password is not imported; the hook runs again/,
    retried: true,
  },
  {
    type: "user-import",
    valid: cmd("com.okta.appUser.profile.update", { firstName: "Sal" }),
    applied:
      /^The import keeps its default action \(CREATE_USER\); profile changes: app user firstName/,
    misspelt: "com.okta.appuser.profile.updat",
    foreign: "com.okta.user.progressive.profile.update",
    invalid: /^The hook fails, so the import continues with its default action: .*general rule/,
    failed: /^The import continues with its default action, as if there were no hook: /,
    retried: true,
  },
  {
    type: "saml",
    valid: cmd("com.okta.assertion.patch", [
      { op: "replace", path: "/claims/department/attributeValues/0/value", value: "R&D" },
    ]),
    applied: /^Okta sends the assertion with these changes: replace \/claims\/department/,
    misspelt: "com.okta.assertion.patches",
    foreign: "com.okta.access.patch",
    invalid: /^The hook fails, so Okta sends the original assertion: .*general rule/,
    failed: /^Okta sends the original assertion: /,
    retried: true,
  },
  {
    type: "telephony",
    valid: cmd("com.okta.telephony.action", [
      {
        status: "SUCCESSFUL",
        provider: "Twilio",
        transactionId: "SM49a8ece2822d44e4adaccd7ed268f954",
      },
    ]),
    applied: /^Okta takes the OTP as delivered by your provider via Twilio \(SUCCESSFUL\)/,
    misspelt: "com.okta.telephony.actions",
    foreign: "com.okta.action.update",
    invalid:
      /^Okta skips the hook and sends the OTP through its own providers \(the user may get two codes\): /,
    failed:
      /^Okta skips the hook and sends the OTP through its own providers \(heavily rate-limited, not retried\): /,
    retried: false,
  },
];

describe.each(TYPES)("$type answers", (t) => {
  it("a valid answer is applied", () => {
    const v = judge(t.type, { body: t.valid });
    expect(v.problems.filter((p) => p.level === "error")).toEqual([]);
    expect(v).toMatchObject({ applied: true, outcome: "applied", basis: "documented" });
    expect(v.okta).toMatch(t.applied);
  });

  it("an unknown command type (Okta's own com.action.update) is not applied", () => {
    const v = judge(t.type, { body: cmd("com.action.update", { registration: "DENY" }) });
    expect(v).toMatchObject({ applied: false, outcome: "invalid" });
    expect(v.okta).toMatch(t.invalid);
    expect(v.okta).toContain('unknown command type "com.action.update"');
  });

  it("a misspelt command type is named with the nearest valid one", () => {
    const v = judge(t.type, { body: cmd(t.misspelt, {}) });
    expect(v.applied).toBe(false);
    expect(v.okta).toMatch(/unknown command type .*\(did you mean com\.okta\./);
  });

  it("a command of another hook type is not applied", () => {
    const v = judge(t.type, { body: cmd(t.foreign, {}) });
    expect(v).toMatchObject({ applied: false, outcome: "invalid" });
    expect(v.okta).toContain(`${t.foreign} is a `);
    expect(v.okta).toContain(`not a ${t.type} one`);
  });

  it("HTTP 500 fails the call, retried once only where Okta retries", () => {
    const v = judge(t.type, { status: 500, raw: "oops", headers: {} });
    expect(v).toMatchObject({ applied: false, outcome: "failed", retried: t.retried });
    expect(v.okta).toMatch(t.failed);
    expect(v.okta).toContain("HTTP 500");
  });

  it("an answer after 3.5 s is too late, whatever it says", () => {
    const v = judge(t.type, { body: t.valid, elapsedMs: 3500 });
    expect(v).toMatchObject({ applied: false, outcome: "failed" });
    expect(v.okta).toMatch(t.failed);
    expect(v.okta).toContain("answered after 3.5 s, over Okta's 3 s limit");
  });

  it("an answer of 256 KB or more is not used", () => {
    const big = { commands: [], debugContext: { pad: "x".repeat(256 * 1024) } };
    const v = judge(t.type, { body: big });
    expect(v).toMatchObject({ applied: false, outcome: "invalid" });
    expect(v.okta).toMatch(/Okta takes less than 256 KB/);
  });

  it("a body that is not JSON gets Okta's deserialisation error", () => {
    const v = judge(t.type, { raw: "<html>ok</html>", headers: { "content-type": "text/html" } });
    expect(v).toMatchObject({ applied: false, outcome: "invalid" });
    expect(v.okta).toMatch(t.invalid);
    expect(v.okta).toContain(
      "Could not deserialize inline hook response due to error at Line 1 Column 1",
    );
  });

  it(`204 is ${t.type === "telephony" ? "not allowed" : "the default action"}`, () => {
    const v = judge(t.type, { status: 204, headers: {} });
    if (t.type === "telephony") {
      expect(v).toMatchObject({ applied: false, outcome: "failed" });
      expect(v.okta).toMatch(t.failed);
    } else {
      expect(v).toMatchObject({ applied: true, outcome: "default" });
    }
  });
});
