import { afterEach, describe, expect, it } from "vitest";
import { loadInlineFixture } from "../../src/inline/fixtures.js";
import { inlineHeaders } from "../../src/inline/request.js";
import { sendInline } from "../../src/inline/send.js";
import { closeTargets, freePort, startServer } from "../helpers/target.js";

afterEach(closeTargets);

const token = loadInlineFixture("token").request;
const body = Buffer.from(JSON.stringify(token));

function send(url: string, extra: Partial<Parameters<typeof sendInline>[0]> = {}) {
  return sendInline({
    url,
    type: "token",
    request: token,
    body,
    headers: inlineHeaders({ secret: "Basic b2todWs6c2VjcmV0" }),
    ...extra,
  });
}

describe("send inline", () => {
  it("POSTs the request as Okta does and judges the answer", async () => {
    const answer =
      '{"commands":[{"type":"com.okta.identity.patch","value":[{"op":"add","path":"/claims/tier","value":"gold"}]}]}';
    const app = await startServer((_r, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(answer);
    });
    const r = await send(`${app.origin}/okta/token`);
    const got = app.received[0]!;
    expect(got.method).toBe("POST");
    expect(got.url).toBe("/okta/token");
    expect(got.body.equals(body)).toBe(true);
    expect(got.headers).toMatchObject({
      accept: "application/json",
      "content-type": "application/json",
      authorization: "Basic b2todWs6c2VjcmV0",
    });
    expect(r.exchange.body.toString()).toBe(answer);
    expect(r.verdict).toMatchObject({ applied: true, outcome: "applied" });
    expect(r.unreachable).toBe(false);
  });

  it("an answer slower than Okta's limit is judged late, with its real status", async () => {
    const app = await startServer((_r, res, self) =>
      self.later(() => {
        res.writeHead(204);
        res.end();
      }, 300),
    );
    const r = await send(app.origin, { limitMs: 200 });
    expect(r.exchange.status).toBe(204);
    expect(r.exchange.elapsedMs).toBeGreaterThanOrEqual(250);
    expect(r.verdict.outcome).toBe("failed");
    expect(r.verdict.okta).toMatch(/answered after 0\.\d s, over Okta's 0\.2 s limit/);
  });

  it("a big answer is measured whole and refused at 256 KB", async () => {
    const app = await startServer((_r, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ debugContext: { pad: "x".repeat(300_000) } }));
    });
    const r = await send(app.origin);
    expect(r.exchange.bodyBytes).toBeGreaterThan(300_000);
    expect(r.verdict.okta).toContain("Okta takes less than 256 KB");
  });

  it("no answer at all within the wait is a timeout; a closed port is unreachable", async () => {
    const app = await startServer(() => {});
    const slow = await send(app.origin, { timeoutMs: 200 });
    expect(slow).toMatchObject({ unreachable: false, exchange: { status: null, timedOut: true } });
    const port = await freePort();
    const down = await send(`http://127.0.0.1:${port}/`);
    expect(down.unreachable).toBe(true);
    expect(down.exchange.error).toMatch(/connection refused/);
    expect(down.verdict.okta).toMatch(
      /^Okta issues the original token \(hook skipped, not retried\): connection refused/,
    );
  });
});
