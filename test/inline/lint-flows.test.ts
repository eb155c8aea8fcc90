import { describe, expect, it } from "vitest";
import { lintAnswer } from "../../src/inline/lint.js";
import { cmd, errors, judge, warnings } from "./judge.js";

const PP = "registration.progressive-profile";

describe("registration answers", () => {
  it("DENY by command: denied, the user sees the plain message (SSR and PP)", () => {
    const deny = { body: cmd("com.okta.action.update", { registration: "DENY" }) };
    expect(judge("registration", deny).okta).toBe(
      'Okta denies the registration; the user sees "Registration denied."',
    );
    expect(judge("registration", deny, PP).okta).toBe(
      'Okta denies the profile update; the user sees "Profile update denied."',
    );
  });

  it("any error object denies and ignores the commands, even {}", () => {
    const v = judge("registration", {
      body: { error: {}, ...cmd("com.okta.action.update", { registration: "ALLOW" }) },
    });
    expect(v).toMatchObject({ applied: true, outcome: "error" });
    expect(v.okta).toBe(
      'Okta denies the registration; the user sees "Registration cannot be completed at this time."',
    );
    expect(warnings(v).join()).toContain("commands are ignored when error is present (even {})");
  });

  it("error causes are what the user sees", () => {
    const cause = {
      errorSummary: "Use your company email",
      reason: "INVALID_EMAIL_DOMAIN",
      locationType: "body",
      location: "data.userProfile.email",
      domain: "end-user",
    };
    const v = judge("registration", {
      body: { error: { errorSummary: "Errors were found", errorCauses: [cause] } },
    });
    expect(v.okta).toBe('Okta denies the registration; the user sees "Use your company email"');
    expect(warnings(v)).toEqual([]);
    const pp = judge("registration", { body: { error: { errorSummary: "x" } } }, PP);
    expect(pp.okta).toContain(
      '"We found some errors. Please review the form and make corrections."',
    );
  });

  it("Okta's own spec examples are caught: com.action.update, a stray quote, a JavaScript string as value", () => {
    const deny = judge("registration", {
      body: cmd("com.action.update", { registration: "DENY" }),
    });
    expect(deny.okta).toContain(
      'unknown command type "com.action.update" (did you mean com.okta.action.update?)',
    );
    const pp = judge(
      "registration",
      {
        body: cmd(
          "com.okta.user.progressive.profile.update'",
          "request.body.data.userProfileUpdate['employeeNumber']",
        ),
      },
      PP,
    );
    expect(pp.okta).toContain("(did you mean com.okta.user.progressive.profile.update?)");
    const js = judge(
      "registration",
      {
        body: cmd(
          "com.okta.user.progressive.profile.update",
          "request.body.data.userProfileUpdate['employeeNumber']",
        ),
      },
      PP,
    );
    expect(js.okta).toContain("needs an object value like");
    expect(js.applied).toBe(false);
  });

  it.each([
    [
      "profile.update in a progressive profile answer",
      PP,
      cmd("com.okta.user.profile.update", { a: 1 }),
      /is for self-service registration/,
    ],
    [
      "progressive.profile.update in a registration answer",
      "registration",
      cmd("com.okta.user.progressive.profile.update", { a: 1 }),
      /answers a progressive profile request/,
    ],
    [
      "the prose's 'action' key",
      "registration",
      cmd("com.okta.action.update", { action: "DENY" }),
      /value key is "registration", not "action"/,
    ],
    [
      "a lower-case deny",
      "registration",
      cmd("com.okta.action.update", { registration: "deny" }),
      /must be ALLOW or DENY, not the string "deny" \(Okta compares exactly: DENY\)/,
    ],
    [
      "setting the password",
      "registration",
      cmd("com.okta.user.profile.update", { password: "x" }),
      /can't set password/,
    ],
  ])("%s is not applied (failure rule: denied)", (_n, fixture, body, message) => {
    const v = judge("registration", { body }, fixture);
    expect(v).toMatchObject({ applied: false, outcome: "invalid", basis: "failure-rule" });
    expect(v.okta).toMatch(
      fixture === PP
        ? /^The hook fails, so Okta denies the registration/
        : /denies the registration/,
    );
    expect(errors(v).join()).toMatch(message);
  });

  it("a progressive profile update is applied", () => {
    const v = judge(
      "registration",
      { body: cmd("com.okta.user.progressive.profile.update", { employeeNumber: "4821" }) },
      PP,
    );
    expect(v.okta).toBe("Okta allows the profile update and sets employeeNumber");
  });

  it("the upper-case Error key of the OAS schema is ignored with a warning", () => {
    const v = judge("registration", { body: { Error: { errorSummary: "no" } } });
    expect(v.outcome).toBe("default");
    expect(warnings(v).join()).toContain('"Error" is ignored: Okta reads "error"');
  });
});

describe("password and user import answers", () => {
  it("UNVERIFIED rejects; 204 is the default UNVERIFIED", () => {
    expect(
      judge("password-import", {
        body: cmd("com.okta.action.update", { credential: "UNVERIFIED" }),
      }).okta,
    ).toBe("Okta rejects the sign-in; the password is not imported (UNVERIFIED)");
    expect(judge("password-import", { status: 204 }).okta).toBe(
      "Okta takes the default, UNVERIFIED: sign-in fails and the password is not imported",
    );
  });

  it("an error object is undocumented for password import: not applied", () => {
    const v = judge("password-import", { body: { error: { errorSummary: "bad password" } } });
    expect(v).toMatchObject({ applied: false, outcome: "error", basis: "undocumented" });
    expect(v.okta).toContain("a password import answer has no error object");
  });

  it("a registration-shaped value in a password import is named", () => {
    const v = judge("password-import", {
      body: cmd("com.okta.action.update", { registration: "ALLOW" }),
    });
    expect(errors(v).join()).toContain(
      "value.credential must be VERIFIED or UNVERIFIED, not missing",
    );
  });

  it("debugContext holding the password is flagged: it lands in the System Log", () => {
    const v = judge("password-import", {
      body: {
        ...cmd("com.okta.action.update", { credential: "VERIFIED" }),
        debugContext: { tried: "Tr0ub4dor&3-fake" },
      },
    });
    expect(v.applied).toBe(true);
    expect(warnings(v).join()).toContain("debugContext contains the request's password");
  });

  it("LINK_USER needs the user to link to; with it the import links", () => {
    const link = cmd("com.okta.action.update", { result: "LINK_USER" });
    const v = judge("user-import", { body: link }, "user-import.match");
    expect(v.applied).toBe(false);
    expect(errors(v).join()).toContain("LINK_USER needs a com.okta.user.update {id}");
    const ok = judge(
      "user-import",
      {
        body: {
          commands: [
            ...link.commands,
            { type: "com.okta.user.update", value: { id: "00u8kann4OpQrStUv5d7" } },
          ],
        },
      },
      "user-import.match",
    );
    expect(ok.okta).toBe("The import links the user to 00u8kann4OpQrStUv5d7");
    const group = judge("user-import", {
      body: {
        commands: [
          ...link.commands,
          { type: "com.okta.user.update", value: { id: "00garwpuyxHaWOkdV0g4" } },
        ],
      },
    });
    expect(warnings(group).join()).toContain("doesn't look like an Okta user id");
  });

  it("an error object logs a failure event", () => {
    expect(judge("user-import", { body: { error: { errorSummary: "Contractor" } } }).okta).toBe(
      'Okta logs a failure event with "Contractor" (what happens to this user is undocumented)',
    );
  });
});

describe("telephony answers", () => {
  const action = (...v: unknown[]) => ({ body: cmd("com.okta.telephony.action", v) });

  it("FAILED falls back to Okta's providers; PENDING is undocumented", () => {
    expect(judge("telephony", action({ status: "FAILED", provider: "Twilio" })).okta).toBe(
      "Your provider failed via Twilio (FAILED): Okta sends the OTP through its own providers",
    );
    const p = judge("telephony", action({ status: "PENDING" }));
    expect(p.okta).toContain("Okta's reaction is undocumented");
    expect(warnings(p).join()).toContain("PENDING");
  });

  it.each([
    ["{} with no action", { body: {} }, /no com.okta.telephony.action/],
    [
      "a value that is an object, not an array",
      { body: cmd("com.okta.telephony.action", { status: "SUCCESSFUL" }) },
      /needs an array like/,
    ],
    [
      "a status Okta doesn't know",
      action({ status: "DELIVERED" }),
      /status must be SUCCESSFUL, PENDING or FAILED, not the string "DELIVERED"/,
    ],
    [
      "Okta's own example: error as an array",
      { body: { error: [{ errorSummary: "a" }, { errorSummary: "b" }] } },
      /error must be an object \{errorSummary, errorCauses\}, not an array/,
    ],
  ])("%s: skipped, Okta sends the OTP itself", (_n, answer, message) => {
    const v = judge("telephony", answer);
    expect(v).toMatchObject({ applied: false, outcome: "invalid", basis: "documented" });
    expect(errors(v).join()).toMatch(message);
  });

  it("an error object: your provider failed, Okta sends the OTP", () => {
    const v = judge("telephony", {
      status: 200,
      body: { error: { errorSummary: "Twilio rejected the number" } },
    });
    expect(v.okta).toBe(
      'Your provider failed ("Twilio rejected the number"): Okta sends the OTP through its own providers',
    );
  });

  it("the OTP echoed in debugContext is flagged", () => {
    const v = judge("telephony", {
      body: {
        ...action({ status: "SUCCESSFUL" }).body,
        debugContext: { sent: "Your code is 482913" },
      },
    });
    expect(warnings(v).join()).toContain("debugContext contains the request's OTP");
  });
});

describe("every type", () => {
  it("4xx fails without retry; an empty 200 is unreadable; a JSON array is not an answer", () => {
    const four = judge("saml", { status: 400, raw: '{"error":"bad request"}' });
    expect(four).toMatchObject({ outcome: "failed", retried: false });
    expect(four.okta).toContain("a 4xx is never retried");
    expect(judge("saml", { raw: "" }).okta).toContain(
      "an empty 200: Okta can't read it (answer 204 or {} for the default action)",
    );
    expect(judge("saml", { raw: "[]" }).okta).toContain(
      "the answer is an array, not a JSON object",
    );
  });

  it("a missing JSON content type is only a warning (Okta's samples send text/html)", () => {
    const v = judge("saml", { body: {}, headers: { "content-type": "text/html; charset=utf-8" } });
    expect(v.applied).toBe(true);
    expect(warnings(v).join()).toContain(
      'Content-Type is "text/html; charset=utf-8"; send application/json',
    );
  });

  it("a 201 for a type that counts any 2xx is linted with a warning", () => {
    const v = judge("saml", { status: 201, body: {} });
    expect(v.applied).toBe(true);
    expect(warnings(v).join()).toContain("HTTP 201");
  });

  it("a connection failure and a timeout are failed calls, retried where Okta retries", () => {
    const base = { type: "registration" as const, request: {}, status: null, elapsedMs: 3000 };
    const late = lintAnswer({ ...base, timedOut: true });
    expect(late).toMatchObject({ outcome: "failed", retried: true, applied: false });
    expect(late.okta).toContain("no answer within 3 s (Okta retries once)");
    const refused = lintAnswer({ ...base, error: "connection refused (127.0.0.1:9)" });
    expect(refused.okta).toContain("connection refused (127.0.0.1:9) (Okta retries once)");
    expect(lintAnswer({ ...base, type: "token", timedOut: true }).retried).toBe(false);
  });

  it("a late answer's body mistakes are still listed", () => {
    const v = judge("token", { body: cmd("com.action.update", {}), elapsedMs: 4000 });
    expect(v.outcome).toBe("failed");
    expect(errors(v).join("\n")).toContain("unknown command type");
  });
});
