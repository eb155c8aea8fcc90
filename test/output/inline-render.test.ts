import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import type { InlineExchange } from "../../src/inline/send.js";
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
        '  Okta drops every change and issues the original token: unknown command type "com.action.update"',
        '  ✗ commands[0].type  unknown command type "com.action.update"',
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
