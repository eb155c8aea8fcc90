import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import type { InlineExchange } from "../../src/inline/send.js";
import { deliveryLine, inlineLine } from "../../src/output/delivery-lines.js";
import {
  executeText,
  inlineVerdictJson,
  inlineVerdictText,
} from "../../src/output/inline-render.js";
import { judge } from "../inline/judge.js";

const c = new Chalk({ level: 0 });
const exchange = (body: string, status = 200): InlineExchange => ({
  status,
  headers: {},
  body: Buffer.from(body),
  bodyBytes: Buffer.byteLength(body),
  elapsedMs: 42,
  timedOut: false,
  error: null,
});

describe("inline verdict rendering", () => {
  it("says what Okta does, then each finding with where it is", () => {
    const answer = '{"commands":[{"type":"com.action.update","value":{"registration":"DENY"}}]}';
    const verdict = judge("token", { raw: answer });
    const out = inlineVerdictText(c, {
      what: "token",
      url: "http://127.0.0.1:3000/okta",
      exchange: exchange(answer),
      verdict,
    });
    expect(out).toBe(
      [
        "NOT APPLIED token → http://127.0.0.1:3000/okta  200 · 42ms · 75 B",
        '  Okta drops every change and issues the original token: unknown command type "com.action.update" (a token hook takes com.okta.identity.patch, com.okta.access.patch)',
        '  ✗ commands[0].type  unknown command type "com.action.update" (a token hook takes com.okta.identity.patch, com.okta.access.patch)',
        "",
      ].join("\n"),
    );
  });

  it("text the app chose (an error summary with escapes) never reaches the terminal raw", () => {
    const answer = JSON.stringify({
      error: { errorSummary: "\u001b]52;c;ZXZpbA==\u0007 \u001b[2J \u202egone" },
    });
    const verdict = judge("saml", { raw: answer });
    const out = inlineVerdictText(c, {
      what: "saml",
      url: "http://x",
      exchange: exchange(answer),
      verdict,
      showAnswer: true,
    });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that no control character gets out
    expect(out).not.toMatch(/\u001b|\u0007|\u202e/);
    expect(out).toContain('error page: "\\u001b]52;c;ZXZpbA==\\u0007 \\u001b[2J <U+202E>gone"');
    const json = inlineVerdictJson({
      what: "saml",
      url: "http://x",
      exchange: exchange(answer),
      verdict,
    });
    expect(JSON.parse(json)).toMatchObject({
      applied: true,
      outcome: "error",
      status: 200,
      answer,
    });
  });

  it("execute shows Okta's 400 or the app's answer with okhook's verdict", () => {
    const refused = executeText(c, {
      hookId: "cal1",
      what: "token",
      result: {
        ok: false,
        status: 400,
        message: "Okta answered 400 E0000001: Api validation failed: inlineHook",
      },
    });
    expect(refused).toContain("OKTA REFUSED THE ANSWER hook cal1 (token)");
    const answer = { commands: [] };
    const ok = executeText(c, {
      hookId: "cal1",
      what: "token",
      result: { ok: true, response: answer },
      verdict: judge("token", { body: answer }),
    });
    expect(ok).toContain("DEFAULT Okta issues the original token");
  });
});

describe("listen's compact lines for inline hooks", () => {
  it("the request line names the type; the answer line says what Okta does and where to look", () => {
    const at = Date.parse("2026-11-20T14:02:11.482Z");
    const request = deliveryLine(c, {
      seq: 1,
      id: "01jxabcdefghjkmnpq7f3k2q9a",
      receivedAt: at,
      method: "POST",
      path: "/okta/inline",
      kind: "inline",
      status: 200,
      auth: "ok",
      eventCount: 0,
      firstEventType: "com.okta.oauth2.tokens.transform",
      duplicateCount: 0,
      size: 2700,
      ackMs: 41,
      reason: null,
      forwardState: "none",
    });
    expect(request).toMatch(/7f3k2q9a {2}inline +token hook request +auth ok +200 {2}ack 41ms$/);
    const [answer] = inlineLine(
      c,
      {
        seq: 1,
        deliveryId: "01jxabcdefghjkmnpq7f3k2q9a",
        eventType: "com.okta.user.pre-registration",
        inlineType: "registration",
        target: "http://localhost:3000/",
        status: null,
        error: "connection refused (127.0.0.1:3000)",
        elapsedMs: 2,
        replyStatus: 502,
        fallback: "down",
        applied: false,
        outcome: "failed",
        okta: "Okta denies the registration",
        problems: 1,
      },
      at,
    );
    expect(answer).toMatch(
      /7f3k2q9a {2}↳ app connection refused \(127\.0\.0\.1:3000\) \(okhook answered Okta 502\) → NOT APPLIED Okta denies the registration {2}\(1 finding: okhook show 7f3k2q9a\)$/,
    );
  });
});
