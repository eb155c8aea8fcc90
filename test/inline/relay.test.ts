import { afterEach, describe, expect, it } from "vitest";
import { loadInlineFixture } from "../../src/inline/fixtures.js";
import { relayInline } from "../../src/inline/relay.js";
import { inlineHeaders } from "../../src/inline/request.js";
import { closeTargets, freePort, startServer } from "../helpers/target.js";

afterEach(closeTargets);

const request = loadInlineFixture("registration").request;
const body = Buffer.from(JSON.stringify(request));
const relay = (url: string, extra: Partial<Parameters<typeof relayInline>[0]> = {}) =>
  relayInline({
    type: "registration",
    request,
    url,
    headers: inlineHeaders(),
    body,
    receivedAt: performance.now(),
    ...extra,
  });

describe("relaying an inline hook call", () => {
  it("hands back the app's answer byte for byte, with its status and content type", async () => {
    const answer = Buffer.from(
      '{ "commands" : [ {"type":"com.okta.action.update","value":{"registration":"DENY"}} ] }\n',
    );
    const app = await startServer((_r, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "x-app": "1" });
      res.end(answer);
    });
    const h = relay(`${app.origin}/inline`);
    const reply = await h.reply;
    expect(reply).toMatchObject({
      status: 200,
      fallback: null,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(reply.body.equals(answer)).toBe(true);
    const done = await h.done;
    expect(done.verdict.okta).toBe(
      'Okta denies the registration; the user sees "Registration denied."',
    );
    expect(app.received[0]!.body.equals(body)).toBe(true);
  });

  it("a slow app: Okta gets okhook's 504 in time, and the late answer is still recorded", async () => {
    const app = await startServer((_r, res, self) =>
      self.later(() => {
        res.writeHead(204);
        res.end();
      }, 400),
    );
    const started = performance.now();
    const h = relay(app.origin, { budgetMs: 150 });
    const reply = await h.reply;
    expect(performance.now() - started).toBeLessThan(380);
    expect(reply).toMatchObject({ status: 504, fallback: "slow" });
    const done = await h.done;
    expect(done.exchange.status).toBe(204);
    expect(done.verdict).toMatchObject({ applied: false, outcome: "failed", retried: true });
    expect(done.verdict.okta).toMatch(
      /^Okta denies the registration; the user sees "There was an error creating your account.*over okhook's 150 ms cut-off/,
    );
  });

  it("an app that is down: okhook's 502 at once, recorded as the failed call Okta sees", async () => {
    const h = relay(`http://127.0.0.1:${await freePort()}/`);
    expect(await h.reply).toMatchObject({ status: 502, fallback: "down" });
    const done = await h.done;
    expect(done.verdict.okta).toMatch(/^Okta denies the registration.*connection refused/);
  });
});
