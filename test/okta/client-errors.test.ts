import { inspect } from "node:util";
import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, RemoteApiError } from "../../src/errors.js";
import { OktaClient, type OktaClientOptions } from "../../src/okta/client.js";
import { type FakeOkta, type FakeOktaOptions, startFakeOkta } from "../helpers/fake-okta.js";
import { closeTargets, startServer } from "../helpers/target.js";
import { failure } from "../helpers/thrown.js";

const SINCE = "2026-11-20T00:00:00.000Z";
const UNTIL = "2026-11-20T14:00:00.000Z";
const SECRET = "00aSECRETtokenVALUE-never-shown_1234";

let fake: FakeOkta | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.close();
  await fake?.close();
  await closeTargets();
  fake = undefined;
  agent = undefined;
});

async function setup(fakeOpts: FakeOktaOptions = {}, clientOpts: Partial<OktaClientOptions> = {}) {
  fake = await startFakeOkta({ token: SECRET, ...fakeOpts });
  agent = new Agent();
  const client = new OktaClient({
    orgUrl: fake.url,
    dispatcher: agent,
    sleep: async () => {},
    ...clientOpts,
  });
  return { fake, client };
}

async function firstPage(client: OktaClient) {
  for await (const page of client.listLogs({ since: SINCE, until: UNTIL })) return page;
  return [];
}

/** Everything a caller could print or log about an error, cause chain included. */
function everything(err: unknown): string {
  return `${String(err)} ${inspect(err, { depth: 10 })} ${JSON.stringify(err)}`;
}

describe("OktaClient credentials and auth errors", () => {
  it("needs a token and names both variables", () => {
    expect(() => new OktaClient({ orgUrl: "https://x.okta.com" })).toThrow(ConfigError);
    expect(() => new OktaClient({ orgUrl: "https://x.okta.com", apiToken: "  " })).toThrow(
      /OKTA_API_TOKEN.*OKTA_ACCESS_TOKEN/,
    );
  });

  it("refuses a token with line breaks without quoting it", () => {
    let err: unknown;
    try {
      new OktaClient({ orgUrl: "https://x.okta.com", apiToken: `${SECRET}\nX-Evil: 1` });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(3);
    expect((err as Error).message).toMatch(/^OKTA_API_TOKEN holds spaces, line breaks/);
    expect(everything(err)).not.toContain(SECRET);
  });

  it("sends SSWS for an API token and Bearer for an access token, dropping a pasted prefix", async () => {
    const { fake, client } = await setup({}, { apiToken: `SSWS ${SECRET}` });
    await firstPage(client);
    const bearer = new OktaClient({ orgUrl: fake.url, accessToken: SECRET, dispatcher: agent });
    await firstPage(bearer);
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
      `SSWS ${SECRET}`,
      `Bearer ${SECRET}`,
    ]);
    expect(client.auth).toEqual({ scheme: "SSWS", envVar: "OKTA_API_TOKEN" });
    expect(bearer.auth).toEqual({ scheme: "Bearer", envVar: "OKTA_ACCESS_TOKEN" });
  });

  it("explains a 401 naming the variable, never the token", async () => {
    const { client } = await setup({ token: "the-right-one" }, { apiToken: SECRET });
    const err = await failure(firstPage(client));
    expect(err).toBeInstanceOf(RemoteApiError);
    expect((err as RemoteApiError).status).toBe(401);
    expect(err.message).toMatch(
      /^Okta answered 401 E0000011: Invalid token provided \[errorId \w+\] — the token in OKTA_API_TOKEN is invalid, expired/,
    );
    expect(everything(err)).not.toContain(SECRET);
  });

  it("explains a 401 for an access token", async () => {
    const { client } = await setup({ acceptSchemes: ["SSWS"] }, { accessToken: SECRET });
    const err = await failure(firstPage(client));
    expect(err.message).toMatch(/the token in OKTA_ACCESS_TOKEN is invalid or expired/);
    expect(everything(err)).not.toContain(SECRET);
  });

  it("names the missing scope on a 403", async () => {
    const { client } = await setup(
      { grantedScopes: ["okta.eventHooks.read"] },
      { accessToken: SECRET },
    );
    const logs = await failure(firstPage(client));
    expect(logs.message).toMatch(/^Okta answered 403 E0000006: .* lacks scope okta\.logs\.read/);
    expect(await client.listEventHooks()).toEqual([]);
    const create = await failure(client.activate("whoNope"));
    expect(create.message).toMatch(
      /lacks scope okta\.eventHooks\.manage, or its admin role cannot manage event hooks/,
    );
  });

  it("points an SSWS 403 at the admin role", async () => {
    const { fake, client } = await setup({}, { apiToken: SECRET });
    fake.inject({
      kind: "error",
      status: 403,
      errorCode: "E0000006",
      errorSummary: "You do not have permission to perform the requested action",
    });
    const err = await failure(firstPage(client));
    expect(err.message).toMatch(
      /the admin who created OKTA_API_TOKEN has no role that can read the System Log/,
    );
  });

  it("scrubs the token even if Okta echoes it", async () => {
    const { fake, client } = await setup({}, { apiToken: SECRET });
    fake.inject({
      kind: "error",
      status: 400,
      errorCode: "E0000001",
      errorSummary: `bad header SSWS ${SECRET}`,
    });
    const err = await failure(firstPage(client));
    expect(err.message).toContain("[redacted]");
    expect(everything(err)).not.toContain(SECRET);
  });

  it("keeps the token out of network errors", async () => {
    const { fake, client } = await setup(
      {},
      { apiToken: SECRET, maxRetries: 0, requestTimeoutMs: 100 },
    );
    fake.inject({ kind: "slow", delayMs: 2000 });
    const timeout = await failure(firstPage(client));
    expect(everything(timeout)).not.toContain(SECRET);
    await fake.close();
    const refused = await failure(firstPage(client));
    expect(everything(refused)).not.toContain(SECRET);
  });

  it("refuses to follow a next link to another host", async () => {
    const server = await startServer((_req, res) => {
      res.setHeader("link", ['<http://127.0.0.1:1/api/v1/logs>; rel="next"']);
      res.setHeader("content-type", "application/json");
      res.end('[{"uuid":"u1"}]');
    });
    agent = new Agent();
    const client = new OktaClient({
      orgUrl: server.origin,
      apiToken: SECRET,
      dispatcher: agent,
    });
    const seen: unknown[] = [];
    const err = await failure(
      (async () => {
        for await (const page of client.listLogs({ since: SINCE, until: UNTIL }))
          seen.push(...page);
      })(),
    );
    expect(seen).toHaveLength(1);
    expect(err.message).toMatch(
      /next link for \/api\/v1\/logs points to http:\/\/127\.0\.0\.1:1, not http:\/\/127\.0\.0\.1:\d+ \(refusing to send the token there/,
    );
  });

  it("rejects JSON that is not a page of events", async () => {
    const server = await startServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end('{"hello":"world"}');
    });
    agent = new Agent();
    const client = new OktaClient({
      orgUrl: server.origin,
      apiToken: SECRET,
      dispatcher: agent,
    });
    const err = await failure(firstPage(client));
    expect(err.message).toBe(
      "Okta answered 200 to /api/v1/logs with JSON that is not a list of events (is --org right?)",
    );
  });
});
