import { describe, expect, it } from "vitest";
import { cmd, errors, judge, warnings } from "./judge.js";

const access = (...ops: unknown[]) => ({ body: cmd("com.okta.access.patch", ops) });
const identity = (...ops: unknown[]) => ({ body: cmd("com.okta.identity.patch", ops) });
const saml = (...ops: unknown[]) => ({ body: cmd("com.okta.assertion.patch", ops) });

describe("token hook patches", () => {
  it.each([
    [
      "an op Okta doesn't have",
      access({ op: "move", path: "/claims/a", value: 1 }),
      /op the string "move" is not one Okta applies to tokens/,
    ],
    [
      "a path outside claims and lifetime",
      access({ op: "add", path: "/scopes/x", value: 1 }),
      /neither \/claims\/<name> nor \/token\/lifetime\/expiration/,
    ],
    [
      "a path without a leading slash",
      access({ op: "add", path: "claims/a", value: 1 }),
      /must start with \//,
    ],
    [
      "replace of a claim the token doesn't have",
      access({ op: "replace", path: "/claims/ProfileTimeZone", value: "x" }),
      /Path not found\(op=replace, path=\/claims\/ProfileTimeZone\)/,
    ],
    [
      "remove of a missing claim",
      access({ op: "remove", path: "/claims/nope" }),
      /Path not found\(op=remove/,
    ],
    [
      "remove with a value",
      access(
        { op: "add", path: "/claims/a", value: 1 },
        { op: "remove", path: "/claims/a", value: 1 },
      ),
      /remove takes no value/,
    ],
    [
      "add without a value",
      access({ op: "add", path: "/claims/com.company.locationId" }),
      /Value is required for add\/replace operation\(op=add, path=\/claims\/com.company.locationId\)/,
    ],
    [
      "a reserved claim",
      access({ op: "replace", path: "/claims/iss", value: "x" }),
      /iss is a reserved claim of the access token/,
    ],
    [
      "sub of an ID token",
      identity({ op: "replace", path: "/claims/sub", value: "x" }),
      /sub is a reserved claim of the ID token/,
    ],
    [
      "a lifetime below 5 minutes",
      access({ op: "replace", path: "/token/lifetime/expiration", value: 120 }),
      /from 300 to 86400, not number 120/,
    ],
    [
      "a lifetime as a string",
      access({ op: "replace", path: "/token/lifetime/expiration", value: "3600" }),
      /not the string "3600"/,
    ],
    [
      "add on the lifetime",
      access({ op: "add", path: "/token/lifetime/expiration", value: 3600 }),
      /takes only replace, not add/,
    ],
    [
      "an array index past the end",
      access(
        { op: "add", path: "/claims/groups2", value: ["a"] },
        { op: "add", path: "/claims/groups2/3", value: "b" },
      ),
      /Index out of range/,
    ],
    [
      "an unescaped URI claim name",
      access({ op: "add", path: "/claims/http://example.com/role", value: "x" }),
      /must escape it as ~1/,
    ],
    [
      "a value that is not an array",
      { body: cmd("com.okta.access.patch", { op: "add" }) },
      /needs an array of \{op, path, value\}, not an object/,
    ],
  ])("%s drops every change: the original token is issued", (_name, answer, message) => {
    const v = judge("token", answer);
    expect(v).toMatchObject({ applied: false, outcome: "invalid", basis: "documented" });
    expect(v.okta).toMatch(/^Okta drops every change and issues the original token: /);
    expect(errors(v).join("\n")).toMatch(message);
  });

  it("applies ops in order: nested add, array append, remove of what was added, lifetime", () => {
    const v = judge(
      "token",
      access(
        { op: "add", path: "/claims/extras", value: { tier: "gold", roles: ["a"] } },
        { op: "add", path: "/claims/extras/region", value: "eu" },
        { op: "add", path: "/claims/extras/roles/-", value: "b" },
        { op: "remove", path: "/claims/extras/tier", value: null },
        { op: "replace", path: "/claims/aud", value: "api://other" },
        { op: "add", path: "/claims/http:~1~1example.com~1role", value: "admin" },
        { op: "replace", path: "/token/lifetime/expiration", value: 86_400 },
      ),
    );
    expect(errors(v)).toEqual([]);
    expect(v).toMatchObject({ applied: true, outcome: "applied" });
    expect(v.okta).toContain("access token replace /token/lifetime/expiration = 86400");
  });

  it("an ID-token patch when only an access token is minted is an invalid command", () => {
    const v = judge(
      "token",
      identity({ op: "add", path: "/claims/a", value: 1 }),
      "token.access-only",
    );
    expect(v.applied).toBe(false);
    expect(v.okta).toContain(
      "com.okta.identity.patch patches the ID token, but this request mints none",
    );
  });

  it("add on an existing claim is applied with a warning to use replace", () => {
    const v = judge(
      "token",
      access(
        { op: "add", path: "/claims/cid2", value: 1 },
        { op: "add", path: "/claims/cid2", value: 2 },
      ),
    );
    expect(v.applied).toBe(true);
    expect(warnings(v).join()).toMatch(/overwrites it/);
  });

  it("an error object means no token at all: OAuth server_error with the summary", () => {
    const v = judge("token", { body: { error: { errorSummary: "Tenant suspended" } } });
    expect(v).toMatchObject({ applied: true, outcome: "error" });
    expect(v.okta).toBe(
      'Okta issues no token: the client gets OAuth error server_error, "Tenant suspended"',
    );
    const bare = judge("token", { body: { error: {} } });
    expect(bare.okta).toContain('"The callback service returned an error"');
  });

  it("HTTP 201 skips a token hook (only 200 counts); a redirect is not followed", () => {
    expect(judge("token", { status: 201, body: {} }).okta).toMatch(
      /original token.*HTTP 201: Okta skips the hook on any status but 200/,
    );
    const r = judge("token", { status: 302, headers: { location: "/x" } });
    expect(r).toMatchObject({ outcome: "failed", retried: false });
    expect(r.okta).toContain("HTTP 302: Okta doesn't follow redirects");
  });

  it("no commands and {} are the default: the original token", () => {
    expect(judge("token", { body: {} })).toMatchObject({
      applied: true,
      outcome: "default",
      okta: "Okta issues the original token",
    });
  });
});

describe("SAML hook patches", () => {
  const claim = {
    attributes: { NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic" },
    attributeValues: [{ attributes: { "xsi:type": "xs:string" }, value: "admin" }],
  };

  it("adds an attribute statement (URI name escaped) and a session lifetime", () => {
    const v = judge(
      "saml",
      saml(
        { op: "add", path: "/claims/http:~1~1schemas.example.com~1role", value: claim },
        { op: "add", path: "/authentication/sessionLifetime", value: 300 },
        { op: "replace", path: "/subject/nameId", value: "jsmith" },
      ),
    );
    expect(errors(v)).toEqual([]);
    expect(v.okta).toBe(
      "Okta sends the assertion with these changes: add /claims/http:~1~1schemas.example.com~1role; add /authentication/sessionLifetime; replace /subject/nameId",
    );
  });

  it.each([
    [
      "remove (SAML has only add and replace)",
      { op: "remove", path: "/claims/department" },
      /SAML hooks take only add and replace/,
    ],
    [
      "replace of a path the assertion lacks",
      { op: "replace", path: "/claims/title/attributeValues/0/value", value: "x" },
      /Path not found\(op=replace/,
    ],
    [
      "replace outside the four sections",
      { op: "replace", path: "/lifetime/expiration", value: 600 },
      /must lie under \/subject, \/authentication, \/conditions or \/claims/,
    ],
    [
      "a new attribute given as a bare string",
      { op: "add", path: "/claims/role", value: "admin" },
      /a new attribute needs \{attributes: \{NameFormat\}, attributeValues/,
    ],
    [
      "an unescaped URI attribute name",
      { op: "add", path: "/claims/http://schemas.example.com/role", value: claim },
      /must escape it as ~1/,
    ],
  ])(
    "%s: the hook fails and Okta sends the original assertion (failure rule)",
    (_n, op, message) => {
      const v = judge("saml", saml(op));
      expect(v).toMatchObject({ applied: false, outcome: "invalid", basis: "failure-rule" });
      expect(v.okta).toMatch(/^The hook fails, so Okta sends the original assertion: /);
      expect(errors(v).join("\n")).toMatch(message);
    },
  );

  it("an undocumented add path is a warning, not an error", () => {
    const v = judge("saml", saml({ op: "add", path: "/conditions/notBefore", value: "x" }));
    expect(v.applied).toBe(true);
    expect(warnings(v).join()).toContain("Okta documents add only for");
  });

  it("an error object denies the SAML request with an error page", () => {
    const v = judge("saml", { body: { error: { errorSummary: "No access from this network" } } });
    expect(v.okta).toBe(
      'Okta denies the SAML request and shows an error page: "No access from this network"',
    );
  });
});
