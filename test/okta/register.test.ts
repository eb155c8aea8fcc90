import { afterEach, describe, expect, it } from "vitest";
import { RemoteApiError } from "../../src/errors.js";
import { OktaClient } from "../../src/okta/client.js";
import { registerHook } from "../../src/okta/register.js";
import { type FakeOkta, startFakeOkta } from "../helpers/fake-okta.js";
import { closeTargets, startServer } from "../helpers/target.js";

let fake: FakeOkta | undefined;
afterEach(async () => {
  await fake?.close();
  await closeTargets();
  fake = undefined;
});

/** A hook endpoint that answers Okta's challenge only after `failFirst` tries (DNS still propagating). */
async function endpoint(failFirst: number): Promise<{ url: string; gets: () => number }> {
  const receiver = await startServer((req, res, self) => {
    if (self.received.length <= failFirst) {
      res.writeHead(502).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ verification: req.headers["x-okta-verification-challenge"] }));
  });
  return { url: `${receiver.origin}/okta/events`, gets: () => receiver.received.length };
}

const base = (client: OktaClient, hookUrl: string) => ({
  client,
  name: "okhook test-host",
  hookUrl,
  secret: "s3cret",
  authHeader: "authorization",
  events: ["user.lifecycle.create"],
  sleep: async () => {},
  verifyBaseDelayMs: 1,
});

describe("registerHook", () => {
  it("retries verify while the endpoint is not reachable yet, then activates", async () => {
    fake = await startFakeOkta();
    const ep = await endpoint(4);
    const client = new OktaClient({ orgUrl: fake.url, apiToken: fake.token, retryBaseDelayMs: 1 });
    const r = await registerHook(base(client, ep.url));
    expect(r.created).toBe(true);
    expect(r.verifyAttempts).toBe(3);
    expect(r.hook).toMatchObject({
      status: "ACTIVE",
      verificationStatus: "VERIFIED",
      name: "okhook test-host",
    });
    expect(r.hook.channel.config.authScheme).toMatchObject({
      type: "HEADER",
      key: "authorization",
    });
  });

  it("refuses to add a 26th active hook with a clear message", async () => {
    fake = await startFakeOkta();
    const ep = await endpoint(0);
    const client = new OktaClient({ orgUrl: fake.url, apiToken: fake.token });
    for (let i = 0; i < 25; i++) {
      const h = await client.createEventHook({
        name: `other ${i}`,
        events: { type: "EVENT_TYPE", items: ["user.lifecycle.create"] },
        channel: { type: "HTTP", version: "1.0.0", config: { uri: ep.url } },
      });
      const stored = fake.hooks.hooks.get(h.id)!;
      stored.verificationStatus = "VERIFIED";
    }
    const err = await registerHook(base(client, ep.url)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteApiError);
    expect((err as Error).message).toMatch(/already has 25 active event hooks, Okta's limit is 25/);
  });
});
