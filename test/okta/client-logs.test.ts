import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { NetworkError, RemoteApiError } from "../../src/errors.js";
import { OktaClient, type OktaClientOptions } from "../../src/okta/client.js";
import type { OktaProgress } from "../../src/okta/transport.js";
import type { LogEvent } from "../../src/okta/types.js";
import { type FakeOkta, type FakeOktaOptions, startFakeOkta } from "../helpers/fake-okta.js";
import { failure } from "../helpers/thrown.js";

const T0 = Date.parse("2026-11-20T14:00:00.000Z");
const SINCE = "2026-11-20T00:00:00.000Z";
const UNTIL = "2026-11-20T14:00:00.000Z";

let fake: FakeOkta | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.close();
  await fake?.close();
  fake = undefined;
  agent = undefined;
});

/** A fake org and a client sharing one fake clock; the client's sleep advances it. */
async function setup(fakeOpts: FakeOktaOptions = {}, clientOpts: Partial<OktaClientOptions> = {}) {
  const clock = { t: T0, slept: [] as number[], progress: [] as OktaProgress[] };
  fake = await startFakeOkta({ now: () => clock.t, ...fakeOpts });
  agent = new Agent({ keepAliveTimeout: 1000 });
  const client = new OktaClient({
    orgUrl: fake.url,
    apiToken: fake.token,
    dispatcher: agent,
    now: () => clock.t,
    sleep: async (ms) => {
      clock.slept.push(ms);
      clock.t += ms;
    },
    random: () => 0.5,
    onProgress: (p) => clock.progress.push(p),
    ...clientOpts,
  });
  return { fake, client, clock };
}

function seed(f: FakeOkta, count: number, eventType = "user.lifecycle.create"): LogEvent[] {
  const base = Date.parse(SINCE) + 1000;
  return f.addLogEvents(
    Array.from({ length: count }, (_, i) => ({
      eventType,
      published: new Date(base + i * 1000).toISOString(),
    })),
  );
}

async function collect(pages: AsyncIterable<LogEvent[]>): Promise<LogEvent[][]> {
  const out: LogEvent[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe("OktaClient.listLogs", () => {
  it("follows next links over many pages and stops when the bounded query ends", async () => {
    const { fake, client, clock } = await setup();
    const seeded = seed(fake, 2345);
    seed(fake, 0);
    const pages = await collect(client.listLogs({ since: SINCE, until: UNTIL, limit: 100 }));
    expect(pages.map((p) => p.length)).toEqual([...Array(23).fill(100), 45]);
    expect(pages.flat().map((e) => e.uuid)).toEqual(seeded.map((e) => e.uuid));
    expect(fake.requests).toHaveLength(24);
    const first = fake.requests[0]!;
    expect(first.query).toEqual({
      since: SINCE,
      until: UNTIL,
      limit: "100",
      sortOrder: "ASCENDING",
    });
    expect(first.headers.authorization).toBe(`SSWS ${fake.token}`);
    expect(first.headers["user-agent"]).toMatch(/^okhook\//);
    expect(fake.requests.slice(1).every((r) => r.query.after && r.query.until === UNTIL)).toBe(
      true,
    );
    expect(clock.progress.at(-1)).toEqual({ type: "page", pages: 24, events: 2345 });
  });

  it("defaults to 1000 events a page and sends the filter", async () => {
    const { fake, client } = await setup();
    seed(fake, 1500, "user.lifecycle.create");
    seed(fake, 20, "group.user_membership.add");
    seed(fake, 7, "user.session.start");
    const filter =
      '(eventType sw "user.lifecycle" or eventType eq "group.user_membership.add") and outcome.result eq "SUCCESS"';
    const pages = await collect(client.listLogs({ since: SINCE, until: UNTIL, filter }));
    expect(pages.map((p) => p.length)).toEqual([1000, 520]);
    expect(fake.requests[0]!.query.limit).toBe("1000");
    expect(fake.requests[0]!.query.filter).toBe(filter);
  });

  it("ends at once on an empty window without a next link", async () => {
    const { fake, client } = await setup();
    expect(await collect(client.listLogs({ since: SINCE, until: UNTIL }))).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it("waits out a 429 by X-Rate-Limit-Reset against the Date header, then continues", async () => {
    const { fake, client, clock } = await setup();
    seed(fake, 250);
    fake.inject({ kind: "rate-limit", resetInSeconds: 1 }, { path: "/api/v1/logs" });
    const pages = await collect(client.listLogs({ since: SINCE, until: UNTIL, limit: 100 }));
    expect(pages.flat()).toHaveLength(250);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200, 200, 200]);
    expect(clock.slept).toEqual([2000]);
    expect(clock.progress).toContainEqual({
      type: "rate-limit-wait",
      reason: "429",
      waitMs: 2000,
      path: "/api/v1/logs",
      basis: "reset",
      attempt: 1,
      maxAttempts: 5,
    });
    expect(fake.requests[1]!.headers["x-okta-retry-count"]).toBe("1");
  });

  it("waits out a 429 in real time too", async () => {
    const { fake, client } = await setup({ now: Date.now }, { now: Date.now, sleep: undefined });
    seed(fake, 3);
    fake.inject({ kind: "rate-limit", resetInSeconds: 1 });
    const started = Date.now();
    const pages = await collect(client.listLogs({ since: SINCE, until: new Date().toISOString() }));
    expect(pages.flat()).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("gives up after a bounded number of 429 waits", async () => {
    const { fake, client } = await setup({}, { maxRateLimitWaits: 2 });
    fake.inject(
      {
        kind: "error",
        status: 429,
        errorCode: "E0000047",
        errorSummary: "API call exceeded rate limit due to too many requests.",
      },
      { times: 5 },
    );
    const err = await failure(collect(client.listLogs({ since: SINCE, until: UNTIL })));
    expect(err).toBeInstanceOf(RemoteApiError);
    expect(err.message).toMatch(/^Okta answered 429 E0000047: API call exceeded rate limit/);
    expect(fake.requests).toHaveLength(3);
  });

  it("spaces calls out when the remaining quota runs low", async () => {
    const { fake, client, clock } = await setup({ rateLimit: { limit: 20, windowMs: 60_000 } });
    seed(fake, 75);
    const pages = await collect(client.listLogs({ since: SINCE, until: UNTIL, limit: 3 }));
    expect(pages.flat()).toHaveLength(75);
    expect(fake.requests).toHaveLength(25);
    expect(fake.requests.every((r) => r.status === 200)).toBe(true);
    // remaining 1 of 20: spread over the window; remaining 0: wait for the reset.
    expect(clock.slept).toEqual([2000, 59_000]);
    expect(
      clock.progress.some((p) => p.type === "rate-limit-wait" && p.reason === "low-remaining"),
    ).toBe(true);
  });

  it("retries a 500 with backoff and then succeeds", async () => {
    const { fake, client, clock } = await setup();
    seed(fake, 5);
    fake.inject({ kind: "server-error" }, { times: 2 });
    const pages = await collect(client.listLogs({ since: SINCE, until: UNTIL }));
    expect(pages.flat()).toHaveLength(5);
    expect(fake.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(clock.slept).toEqual([375, 750]);
    expect(clock.progress.filter((p) => p.type === "retry")).toEqual([
      {
        type: "retry",
        attempt: 1,
        maxRetries: 3,
        waitMs: 375,
        reason: "HTTP 500",
        status: 500,
        path: "/api/v1/logs",
      },
      {
        type: "retry",
        attempt: 2,
        maxRetries: 3,
        waitMs: 750,
        reason: "HTTP 500",
        status: 500,
        path: "/api/v1/logs",
      },
    ]);
  });

  it("reports a persistent 500 as a one-line RemoteApiError after the retries", async () => {
    const { fake, client } = await setup({}, { maxRetries: 2 });
    fake.inject({ kind: "server-error" }, { times: 10 });
    const err = await failure(collect(client.listLogs({ since: SINCE, until: UNTIL })));
    expect(err).toBeInstanceOf(RemoteApiError);
    expect((err as RemoteApiError).exitCode).toBe(5);
    expect((err as RemoteApiError).errorCode).toBe("E0000009");
    expect(err.message).toMatch(
      /^Okta answered 500 E0000009: Internal Server Error \[errorId oae\w+\]$/,
    );
    expect(fake.requests).toHaveLength(3);
  });

  it.each([
    [{ kind: "html" as const }, "Okta answered 200 with a non-JSON body (is --org right?)"],
    [
      { kind: "html" as const, status: 404 },
      "Okta answered 404 with a non-JSON body (is --org right?)",
    ],
    [
      { kind: "truncated-json" as const },
      "Okta answered 200 with a non-JSON body (is --org right?)",
    ],
  ])("explains a broken body (%o)", async (fault, message) => {
    const { fake, client } = await setup();
    seed(fake, 3);
    fake.inject(fault);
    const err = await failure(collect(client.listLogs({ since: SINCE, until: UNTIL })));
    expect(err).toBeInstanceOf(RemoteApiError);
    expect(err.message).toBe(message);
  });

  it("explains a truncated Okta error body", async () => {
    const { fake, client } = await setup();
    fake.inject({ kind: "truncated-json" });
    const since = T0 - 200 * 86_400_000;
    const err = await failure(collect(client.listLogs({ since, until: UNTIL })));
    expect(err.message).toBe("Okta answered 400 with a non-JSON body (is --org right?)");
  });

  it("detects a next link that loops back to a page already read", async () => {
    const { fake, client } = await setup();
    seed(fake, 5);
    fake.inject({ kind: "looping-link" });
    const err = await failure(collect(client.listLogs({ since: SINCE, until: UNTIL })));
    expect(err).toBeInstanceOf(RemoteApiError);
    expect(err.message).toMatch(/next link for \/api\/v1\/logs repeats a page already read/);
    expect(fake.requests).toHaveLength(1);
  });

  it("refuses a page without any Link header instead of silently stopping early", async () => {
    const { fake, client } = await setup();
    seed(fake, 5);
    fake.inject({ kind: "missing-link" });
    const err = await failure(collect(client.listLogs({ since: SINCE, until: UNTIL, limit: 2 })));
    expect(err).toBeInstanceOf(RemoteApiError);
    expect(err.message).toBe(
      "Okta answered /api/v1/logs without a Link header, so whether more pages follow is unknown (is --org the Okta org itself, not a proxy?)",
    );
  });

  it("passes Okta's 400 for a since over 180 days through", async () => {
    const { client } = await setup();
    const err = await failure(
      collect(client.listLogs({ since: T0 - 181 * 86_400_000, until: UNTIL })),
    );
    expect(err.message).toMatch(
      /^Okta answered 400 E0000053: Invalid request\. \(since parameter is over 180 days/,
    );
  });

  it("enforces the request timeout against a slow server", async () => {
    const { fake, client } = await setup({}, { requestTimeoutMs: 150, maxRetries: 1 });
    fake.inject({ kind: "slow", delayMs: 5000 }, { times: 2 });
    const started = performance.now();
    const err = await failure(collect(client.listLogs({ since: SINCE, until: UNTIL })));
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).exitCode).toBe(4);
    expect(err.message).toMatch(/did not answer GET \/api\/v1\/logs within 150 ms \(2 attempts\)/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("retries a slow answer and succeeds on the next attempt", async () => {
    const { fake, client } = await setup({}, { requestTimeoutMs: 150 });
    seed(fake, 2);
    fake.inject({ kind: "slow", delayMs: 5000 });
    expect((await collect(client.listLogs({ since: SINCE, until: UNTIL }))).flat()).toHaveLength(2);
  });

  it("reports an unreachable org as a NetworkError after retries", async () => {
    const { fake, client } = await setup({}, { maxRetries: 1 });
    await fake.close();
    const err = await failure(collect(client.listLogs({ since: SINCE, until: UNTIL })));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toMatch(
      /^cannot reach Okta at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*\(2 attempts\)/,
    );
  });

  it("retries a dropped connection", async () => {
    const { fake, client } = await setup();
    seed(fake, 4);
    fake.inject({ kind: "drop" });
    expect((await collect(client.listLogs({ since: SINCE, until: UNTIL }))).flat()).toHaveLength(4);
    expect(fake.requests).toHaveLength(2);
  });
});
