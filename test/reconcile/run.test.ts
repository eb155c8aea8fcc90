import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, Interrupted, RemoteApiError, UsageError } from "../../src/errors.js";
import { MAX_TYPES_PER_QUERY } from "../../src/reconcile/filters.js";
import { runReconcile } from "../../src/reconcile/run.js";
import type { Store } from "../../src/store/store.js";
import type { FakeOkta } from "../helpers/fake-okta.js";
import {
  ADD,
  CREATE,
  closeReconcileRigs,
  MIN,
  type ReconcileRig,
  startReconcileRig,
} from "../helpers/reconcile-rig.js";
import { parsedEvent, seedDelivery } from "../helpers/seed-store.js";

let fake: FakeOkta;
let store: Store;
let options: ReconcileRig["options"];
let logged: ReconcileRig["logged"];
let received: ReconcileRig["received"];
let logQueries: ReconcileRig["logQueries"];
let hook: ReconcileRig["hook"];

beforeEach(async () => {
  ({ fake, store, options, logged, received, logQueries, hook } = await startReconcileRig({
    client: { retryBaseDelayMs: 5 },
  }));
});

afterEach(closeReconcileRigs);

describe("runReconcile", () => {
  it("sorts every category: missing, a uuid received twice, late, unexpected", async () => {
    const [ok, missing, twice, late] = logged([CREATE, CREATE, ADD, CREATE]);
    received([ok!]);
    const first = received([twice!]);
    const second = received([twice!], 2000);
    const lateRow = received([late!], 3 * MIN);
    const strayAt = Date.now() - 5 * MIN;
    const stray = seedDelivery(store, [parsedEvent("stray-uuid", strayAt)], {
      receivedAt: strayAt,
    });
    // okhook's own re-sends and made-up events are not receipts
    seedDelivery(store, [parsedEvent(String(ok!.uuid), String(ok!.published))], { kind: "replay" });
    seedDelivery(store, [parsedEvent("fixture-uuid", Date.now() - MIN)], { kind: "fixture" });

    const result = await runReconcile(options());

    expect(result.report.counts).toEqual({
      inLog: 4,
      received: 4,
      missing: 1,
      duplicated: 1,
      unexpected: 1,
      late: 1,
      deliveryFailures: 0,
    });
    expect(result.report.inSync).toBe(false);
    expect(result.report.missing.map((m) => m.uuid)).toEqual([missing!.uuid]);
    expect(result.report.duplicated[0]).toMatchObject({
      uuid: twice!.uuid,
      deliveryIds: [first.id, second.id],
      displayMessage: "Create Okta user",
    });
    expect(result.report.late[0]).toMatchObject({ uuid: late!.uuid, deliveryId: lateRow.id });
    expect(result.report.unexpected[0]).toMatchObject({
      uuid: "stray-uuid",
      deliveryIds: [stray.id],
    });
    expect(result.selection).toEqual({ source: "received", types: [ADD, CREATE] });
    expect(result.report.byEventType[ADD]).toMatchObject({ inLog: 1, duplicated: 1 });
  });

  it("sends a bounded query (since, until, limit 1000, ascending) filtered on the types received", async () => {
    received(logged([CREATE]));
    logged(["user.session.start"]);
    const result = await runReconcile(options({ until: "1m" }));
    expect(result.report.inSync).toBe(true);
    const [q] = logQueries();
    expect(q).toMatchObject({
      limit: "1000",
      sortOrder: "ASCENDING",
      filter: `eventType eq "${CREATE}"`,
    });
    expect(Date.parse(q!.until!) - Date.parse(q!.since!)).toBe(119 * MIN);
    expect(result.window.until).toBe(q!.until);
  });

  it("follows Link next over many pages and stops on the bounded query's last page", async () => {
    const events = logged(Array.from({ length: 4321 }, () => CREATE));
    for (let i = 0; i < events.length; i += 500) received(events.slice(i, i + 500));
    const progress: unknown[] = [];
    const result = await runReconcile(options({ onProgress: (p) => progress.push(p) }));
    expect(result.pages).toBe(5);
    expect(result.events).toBe(4321);
    expect(result.report.counts).toMatchObject({ inLog: 4321, received: 4321, missing: 0 });
    const queries = logQueries();
    expect(queries).toHaveLength(5);
    expect(queries.slice(1).every((q) => q.after !== undefined)).toBe(true);
    expect(progress).toContainEqual({ type: "page", pages: 5, events: 4321 });
  });

  it("expands --event-type globs and splits a long filter into several queries", async () => {
    const result = await runReconcile(options({ eventTypes: ["user.*"] }));
    expect(result.selection.source).toBe("flag");
    const n = result.selection.types!.length;
    expect(n).toBeGreaterThan(MAX_TYPES_PER_QUERY);
    const filters = logQueries().map((q) => q.filter!);
    expect(filters).toHaveLength(Math.ceil(n / MAX_TYPES_PER_QUERY));
    expect(filters.every((f) => f.split(" or ").length <= MAX_TYPES_PER_QUERY)).toBe(true);
    expect(filters[0]).toMatch(/^eventType eq "user\.[a-z_.]+" or eventType eq "/);
    await expect(runReconcile(options({ eventTypes: ["usr.lifecycle.*"] }))).rejects.toThrow(
      /--event-type "usr.lifecycle.\*".*did you mean user.lifecycle.\*/,
    );
  });

  it("with nothing received compares every hook-eligible type, unfiltered", async () => {
    const [eligible] = logged([CREATE, "user.session.expire", "event_hook.verified"]);
    const result = await runReconcile(options());
    expect(result.selection).toEqual({ source: "all", types: null });
    expect(logQueries()[0]!.filter).toBeUndefined();
    expect(result.report.missing.map((m) => m.uuid)).toEqual([eligible!.uuid]);
  });

  it("waits out a 429 and retries a 500", async () => {
    received(logged([CREATE]));
    fake.inject({ kind: "rate-limit", resetInSeconds: 1 }, { path: "/api/v1/logs" });
    fake.inject({ kind: "server-error" }, { path: "/api/v1/logs" });
    const waits: unknown[] = [];
    const result = await runReconcile(
      options({ onProgress: (p) => p.type === "wait" && waits.push(p.wait) }),
    );
    expect(result.report.inSync).toBe(true);
    expect(logQueries()).toHaveLength(3);
    // what the caller needs to say what is waited for, and for how long
    expect(waits).toMatchObject([
      { type: "rate-limit-wait", reason: "429", basis: "reset", path: "/api/v1/logs" },
      { type: "retry", attempt: 1, maxRetries: 3, status: 500, path: "/api/v1/logs" },
    ]);
    const [rateLimit] = waits as { waitMs: number }[];
    expect(rateLimit!.waitMs).toBeGreaterThanOrEqual(1000);
    expect(rateLimit!.waitMs).toBeLessThanOrEqual(3000);
  });

  it("turns HTML, cut-off JSON and a bad token into one-line API errors without the token", async () => {
    fake.inject({ kind: "html" }, { path: "/api/v1/logs" });
    await expect(runReconcile(options())).rejects.toThrow(/Okta answered 200 with a non-JSON body/);
    fake.inject({ kind: "truncated-json" }, { path: "/api/v1/logs" });
    await expect(runReconcile(options())).rejects.toThrow(RemoteApiError);
    const bad = runReconcile(options({ apiToken: "00wrong-token-value" }));
    await expect(bad).rejects.toThrow(/401 E0000011.*OKTA_API_TOKEN/);
    await expect(bad).rejects.not.toThrow(/00wrong-token-value/);
  });

  it("refuses a missing org, missing credentials, a plain-http org and a since over 180 days", async () => {
    await expect(runReconcile(options({ orgUrl: undefined }))).rejects.toThrow(ConfigError);
    await expect(runReconcile(options({ apiToken: undefined }))).rejects.toThrow(ConfigError);
    await expect(runReconcile(options({ orgUrl: "http://dev-123.okta.com" }))).rejects.toThrow(
      UsageError,
    );
    await expect(runReconcile(options({ since: "200d" }))).rejects.toThrow(
      /over 180 days.*E0000053/,
    );
    await expect(runReconcile(options({ since: "1h", until: "2h" }))).rejects.toThrow(UsageError);
    expect(logQueries()).toHaveLength(0);
  });

  it("warns past 90 days and compares local events only from the retention edge", async () => {
    seedDelivery(store, [parsedEvent("ancient", Date.now() - 100 * 24 * 60 * MIN)]);
    const result = await runReconcile(options({ since: "120d" }));
    expect(result.warnings[0]).toMatch(/90-day System Log retention/);
    expect(result.report.counts.unexpected).toBe(0);
  });

  it("with --hook-id compares the hook's types and reports Okta's delivery failures for that hook", async () => {
    const id = hook([CREATE, ADD]);
    const published = new Date(Date.now() - MIN).toISOString();
    fake.addLogEvents([
      { eventType: "event_hook.delivery", published, target: [{ id, type: "EventHook" }] },
      {
        eventType: "event_hook.delivery",
        published,
        target: [{ id: "whoSomeoneElse", type: "EventHook" }],
      },
    ]);
    const result = await runReconcile(options({ hookId: id }));
    expect(result.selection).toEqual({
      source: "hook",
      types: [ADD, CREATE],
      hook: { id, from: "--hook-id" },
    });
    expect(result).toMatchObject({ hookId: id, hookFrom: "--hook-id" });
    // Okta's failure notes are reported, not counted: nothing is missing here
    expect(result.report.inSync).toBe(true);
    expect(result.report.counts.deliveryFailures).toBe(1);
    expect(result.report.deliveryFailures[0]!.hookIds).toEqual([id]);
    expect(logQueries().at(-1)!.filter).toBe('eventType eq "event_hook.delivery"');
    const without = await runReconcile(options({ eventTypes: [CREATE] }));
    expect(without.report.counts.deliveryFailures).toBe(0);
    await expect(runReconcile(options({ hookId: "whoNoSuchHook" }))).rejects.toThrow(
      /--hook-id "whoNoSuchHook": Okta has no event hook/,
    );
  });

  it("stops with Interrupted when the signal aborts", async () => {
    logged([CREATE]);
    const controller = new AbortController();
    fake.inject({ kind: "slow", delayMs: 5000 }, { path: "/api/v1/logs" });
    const run = runReconcile(options({ signal: controller.signal }));
    setImmediate(() => controller.abort(new Error("SIGINT")));
    await expect(run).rejects.toThrow(Interrupted);
  });
});
