import { inspect } from "node:util";
import fc from "fast-check";
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NetworkError, RemoteApiError } from "../../src/errors.js";
import { OKTA_MAX_RATE_LIMIT_WAITS, OKTA_MAX_RETRIES, OktaClient } from "../../src/okta/client.js";
import type { LogEvent } from "../../src/okta/types.js";
import { type FakeFault, type FakeOkta, startFakeOkta } from "../helpers/fake-okta.js";
import { fmt, summary } from "./support.js";

const T0 = Date.parse("2026-11-20T14:00:00.000Z");
const SINCE = "2026-11-20T00:00:00.000Z";
const UNTIL = "2026-11-20T14:00:00.000Z";
const TOKEN = "00hostileOKTAtoken-never-printed_91";
const EVENTS = 2_500;
/** Short real timeout: a slow answer must end in a retry or a NetworkError, never a hang. */
const REQUEST_TIMEOUT_MS = 100;
const SLOW_MS = 600;
/** Anything still running after this is a hang (each call needs well under a second). */
const HANG_GUARD_MS = 8_000;
const RUNS = 25;

let fake: FakeOkta;
let agent: Agent;
let seeded: LogEvent[];
/** The fake's clock; the client's sleeps advance it, so 429 storms and backoffs take no time. */
const clock = { t: T0, sleptMs: 0 };

beforeAll(async () => {
  fake = await startFakeOkta({ now: () => clock.t, token: TOKEN });
  agent = new Agent({ keepAliveTimeout: 1000 });
  const base = Date.parse(SINCE) + 1000;
  seeded = fake.addLogEvents(
    Array.from({ length: EVENTS }, (_, i) => ({
      eventType: "user.lifecycle.create",
      published: new Date(base + i * 1000).toISOString(),
    })),
  );
});

afterEach(() => fake.clearFaults());

afterAll(async () => {
  await agent.close();
  await fake.close();
});

function client(): OktaClient {
  return new OktaClient({
    orgUrl: fake.url,
    apiToken: TOKEN,
    dispatcher: agent,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    now: () => clock.t,
    sleep: async (ms) => {
      clock.t += ms;
      clock.sleptMs += ms;
    },
  });
}

type Outcome = { ok: true; events: LogEvent[] } | { ok: false; error: Error };

/** Run a call to its end (or fail the test as a hang), capturing success or the error. */
async function settle<T>(p: Promise<T>, ok: (v: T) => Outcome): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung for ${HANG_GUARD_MS} ms`)), HANG_GUARD_MS);
  });
  try {
    return await Promise.race([
      p.then(ok, (error: Error) => ({ ok: false as const, error })),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function listAll(): Promise<Outcome> {
  const run = async () => {
    const out: LogEvent[] = [];
    for await (const page of client().listLogs({ since: SINCE, until: UNTIL })) out.push(...page);
    return out;
  };
  return settle(run(), (events) => ({ ok: true, events }));
}

/** A clean failure: the documented class and exit code, one line, no token anywhere. */
function expectClean(error: Error): void {
  expect(
    [RemoteApiError, NetworkError].some((c) => error instanceof c),
    String(error),
  ).toBe(true);
  expect((error as RemoteApiError).exitCode).toBe(error instanceof RemoteApiError ? 5 : 4);
  expect(error.message).not.toContain("\n");
  expect(`${error.message} ${inspect(error, { depth: 8 })}`).not.toContain(TOKEN);
}

function expectComplete(events: LogEvent[]): void {
  expect(events.map((e) => e.uuid)).toEqual(seeded.map((e) => e.uuid));
}

const LOGS = { path: "/api/v1/logs" };
const hookFaults: [string, FakeFault, number][] = [
  ["html", { kind: "html" }, 1],
  ["truncated-json", { kind: "truncated-json" }, 1],
  ["5xx storm", { kind: "server-error", status: 503 }, 20],
  ["slow", { kind: "slow", delayMs: SLOW_MS }, 20],
  ["drop", { kind: "drop" }, 20],
];

describe("hostile Okta API answers", () => {
  it.each<{ name: string; fault: FakeFault; times: number; expected: "ok" | "error" }>([
    { name: "HTML page (200)", fault: { kind: "html" }, times: 1, expected: "error" },
    {
      name: "HTML proxy error page (502), once",
      fault: { kind: "html", status: 502 },
      times: 1,
      expected: "ok",
    },
    { name: "truncated JSON", fault: { kind: "truncated-json" }, times: 1, expected: "error" },
    { name: "no Link header", fault: { kind: "missing-link" }, times: 1, expected: "error" },
    {
      name: "next link looping to itself",
      fault: { kind: "looping-link" },
      times: 1,
      expected: "error",
    },
    {
      name: "429 storm within the wait budget",
      fault: { kind: "rate-limit", resetInSeconds: 30 },
      times: OKTA_MAX_RATE_LIMIT_WAITS,
      expected: "ok",
    },
    {
      name: "endless 429 storm",
      fault: { kind: "rate-limit", resetInSeconds: 30 },
      times: 100,
      expected: "error",
    },
    {
      name: "5xx within the retry budget",
      fault: { kind: "server-error", status: 500 },
      times: OKTA_MAX_RETRIES,
      expected: "ok",
    },
    {
      name: "endless 5xx",
      fault: { kind: "server-error", status: 503 },
      times: 100,
      expected: "error",
    },
    {
      name: "slow answer, once",
      fault: { kind: "slow", delayMs: SLOW_MS },
      times: 1,
      expected: "ok",
    },
    {
      name: "always slow",
      fault: { kind: "slow", delayMs: SLOW_MS },
      times: 100,
      expected: "error",
    },
    { name: "dropped connection, once", fault: { kind: "drop" }, times: 1, expected: "ok" },
    { name: "always dropped", fault: { kind: "drop" }, times: 100, expected: "error" },
  ])("System Log: $name → $expected", async ({ fault, times, expected }) => {
    fake.inject(fault, { times, ...LOGS });
    const out = await listAll();
    if (out.ok) expectComplete(out.events);
    else expectClean(out.error);
    expect(out.ok ? "ok" : "error").toBe(expected);
  });

  it.each(hookFaults)(
    "event hooks API: %s → a clean error, no hang",
    async (_name, fault, times) => {
      fake.inject(fault, { times, path: "/api/v1/eventHooks" });
      const out = await settle(client().listEventHooks(), () => ({ ok: true, events: [] }));
      if (!out.ok) expectClean(out.error);
      expect(out.ok).toBe(false);
      const create = await settle(
        client().createEventHook({
          name: "okhook",
          events: { type: "EVENT_TYPE", items: ["user.lifecycle.create"] },
          channel: {
            type: "HTTP",
            version: "1.0.0",
            config: { uri: "https://example.trycloudflare.com/okta/events" },
          },
        }),
        () => ({ ok: true, events: [] }),
      );
      if (!create.ok) expectClean(create.error);
    },
  );

  it("any schedule of faults ends in every event exactly once or a clean error (fast-check)", async () => {
    const fault = fc.oneof(
      fc.constant<FakeFault>({ kind: "html" }),
      fc.constant<FakeFault>({ kind: "html", status: 502 }),
      fc.constant<FakeFault>({ kind: "truncated-json" }),
      fc.constant<FakeFault>({ kind: "missing-link" }),
      fc.constant<FakeFault>({ kind: "looping-link" }),
      fc.constant<FakeFault>({ kind: "rate-limit", resetInSeconds: 60 }),
      fc.constant<FakeFault>({ kind: "server-error", status: 500 }),
      fc.constant<FakeFault>({ kind: "slow", delayMs: SLOW_MS }),
      fc.constant<FakeFault>({ kind: "drop" }),
      fc.constant<FakeFault>({
        kind: "error",
        status: 401,
        errorCode: "E0000011",
        errorSummary: "Invalid token provided",
      }),
    );
    const tally = { complete: 0, errors: 0, requests: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fault, fc.integer({ min: 1, max: 3 })), { maxLength: 4 }),
        async (faults) => {
          const before = fake.requests.length;
          for (const [f, times] of faults) fake.inject(f, { times, ...LOGS });
          const out = await listAll();
          if (out.ok) {
            expectComplete(out.events);
            tally.complete++;
          } else {
            expectClean(out.error);
            tally.errors++;
          }
          tally.requests += fake.requests.length - before;
          fake.clearFaults();
        },
      ),
      { numRuns: RUNS },
    );
    summary(
      `okta hostile: 13 System Log fault cases + ${hookFaults.length} hook API cases + ${RUNS} generated fault schedules → ` +
        `${tally.complete} complete listings of ${fmt(EVENTS)} events, ${tally.errors} clean errors (exit 4/5, one line, no token), ` +
        `0 hangs, ${fmt(tally.requests)} requests, ${(clock.sleptMs / 1000).toFixed(0)} s of 429/backoff waits on the fake clock`,
    );
  });
});
