import { afterEach, describe, expect, it } from "vitest";
import { RemoteApiError } from "../../src/errors.js";
import { loadInlineFixture } from "../../src/inline/fixtures.js";
import { OktaClient } from "../../src/okta/client.js";
import { InlineHooksApi } from "../../src/okta/inline-hooks.js";
import { inlineHookBody, registerInlineHook } from "../../src/okta/inline-register.js";
import { closeOktaRigs, startOktaRig } from "../helpers/okta-rig.js";
import { closeTargets, startServer } from "../helpers/target.js";
import { failure } from "../helpers/thrown.js";

afterEach(async () => {
  await closeOktaRigs();
  await closeTargets();
});

async function setup(opts: Parameters<typeof startOktaRig>[0] = {}) {
  const { fake, agent } = await startOktaRig({ inlineTimeoutMs: 300, ...opts });
  const client = new OktaClient({
    orgUrl: fake.url,
    apiToken: fake.token,
    dispatcher: agent,
    sleep: async () => {},
  });
  return { fake, api: new InlineHooksApi(client) };
}

const TOKEN = "com.okta.oauth2.tokens.transform";
const body = (uri: string, name = "okhook token", secret = "Basic b2todWs6czNjcjN0") =>
  inlineHookBody({ name, hookUrl: uri, secret, authHeader: "authorization" }, TOKEN);

describe("Inline Hooks API against the fake Okta", () => {
  it("creates (200, ACTIVE, secret never returned), lists by type, deactivates, deletes", async () => {
    const { api } = await setup();
    const hook = await api.create(body("https://abc.trycloudflare.com/okta/inline"));
    expect(hook).toMatchObject({
      status: "ACTIVE",
      type: TOKEN,
      channel: { config: { authScheme: { type: "HEADER", key: "Authorization" } } },
    });
    expect(hook.id).toMatch(/^cal\w{17}$/);
    expect(JSON.stringify(hook)).not.toContain("czNjcjN0");
    expect((await api.list(TOKEN)).map((h) => h.id)).toEqual([hook.id]);
    expect(await api.list("com.okta.saml.tokens.transform")).toEqual([]);
    const still = await failure<RemoteApiError>(api.remove(hook.id));
    expect(still.message).toMatch(/400 E0000001.*must be INACTIVE/);
    expect((await api.deactivate(hook.id)).status).toBe("INACTIVE");
    await api.remove(hook.id);
    expect((await failure<RemoteApiError>(api.get(hook.id))).status).toBe(404);
  });

  it.each([
    ["an http URI off loopback", body("http://example.com/hook"), /channel.config.uri/],
    [
      "a telephony hook without auth",
      {
        ...body("https://x.example.com/t"),
        type: "com.okta.telephony.provider",
        channel: {
          ...body("https://x.example.com/t").channel,
          config: { uri: "https://x.example.com/t", method: "POST" as const },
        },
      },
      /required for telephony/,
    ],
    [
      "an unknown type",
      { ...body("https://x.example.com/t"), type: "com.okta.nope" },
      /type: must be one of/,
    ],
  ])("refuses %s with 400 E0000001 naming the field", async (_n, input, cause) => {
    const { api } = await setup();
    const err = await failure<RemoteApiError>(api.create(input));
    expect(err).toBeInstanceOf(RemoteApiError);
    expect(err.message).toMatch(/Okta answered 400 E0000001: Api validation failed: inlineHook/);
    expect(err.message).toMatch(cause);
  });

  it("execute sends the payload through the channel and returns the app's own answer", async () => {
    const answer =
      '{"commands":[{"type":"com.okta.access.patch","value":[{"op":"add","path":"/claims/x","value":1}]}]}';
    const app = await startServer((_r, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(answer);
    });
    const { api, fake } = await setup();
    const hook = await api.create(body(`${app.origin}/okta/inline`));
    const payload = loadInlineFixture("token").request;
    const r = await api.execute(hook.id, payload);
    expect(r).toEqual({ ok: true, response: JSON.parse(answer) });
    const got = app.received[0]!;
    expect(JSON.parse(got.body.toString())).toEqual(payload);
    expect(got.headers).toMatchObject({
      authorization: "Basic b2todWs6czNjcjN0",
      accept: "application/json",
      "content-type": "application/json",
    });
    expect(fake.inlineHooks.executions).toHaveLength(1);
  });

  it("execute: a 500 is retried once, then Okta's 400; a non-JSON answer is a 400", async () => {
    let n = 0;
    const app = await startServer((_r, res) => {
      n++;
      res.writeHead(n <= 2 ? 500 : 200, { "content-type": "text/plain" });
      res.end("not json");
    });
    const { api } = await setup();
    const hook = await api.create(body(`${app.origin}/`));
    const r = await api.execute(hook.id, {});
    expect(r).toMatchObject({ ok: false, status: 400, errorCode: "E0000001" });
    expect(n).toBe(2);
    expect(r.ok === false && r.message).toContain("the inline hook answered 500");
    const bad = await api.execute(hook.id, {});
    expect(bad.ok === false && bad.message).toContain("did not match the data contract");
  });
});

describe("registerInlineHook", () => {
  it("creates on the first run, updates the URI and reactivates on the next, by name", async () => {
    const { api, fake } = await setup();
    const progress: string[] = [];
    const base = {
      api,
      type: "token" as const,
      name: "okhook token test",
      secret: "s3cret-value",
      authHeader: "authorization",
      onProgress: (m: string) => progress.push(m),
    };
    const first = await registerInlineHook({
      ...base,
      hookUrl: "https://one.trycloudflare.com/okta/inline",
    });
    expect(first).toMatchObject({ created: true, hook: { status: "ACTIVE", type: TOKEN } });
    await api.deactivate(first.hook.id);
    const second = await registerInlineHook({
      ...base,
      hookUrl: "https://two.trycloudflare.com/okta/inline",
    });
    expect(second).toMatchObject({
      created: false,
      hook: {
        id: first.hook.id,
        status: "ACTIVE",
        channel: { config: { uri: "https://two.trycloudflare.com/okta/inline" } },
      },
    });
    expect(fake.inlineHooks.hooks.size).toBe(1);
    expect(fake.inlineHooks.hooks.get(first.hook.id)!.input.channel.config.authScheme).toEqual({
      type: "HEADER",
      key: "Authorization",
      value: "s3cret-value",
    });
    expect(progress.join("\n")).toMatch(
      /creating Okta token inline hook[\s\S]*updating Okta inline hook cal\w+ to https:\/\/two[\s\S]*activating/,
    );
  });

  it("a second active telephony hook is refused by Okta and said so", async () => {
    const { api } = await setup();
    const base = {
      api,
      type: "telephony" as const,
      secret: "s3cret-value",
      authHeader: "authorization",
      hookUrl: "https://t.example.com/okta/inline",
    };
    await registerInlineHook({ ...base, name: "someone else's" });
    const err = await failure<RemoteApiError>(
      registerInlineHook({ ...base, name: "okhook telephony" }),
    );
    expect(err.message).toContain("Only one active telephony inline hook is allowed per org");
  });
});
