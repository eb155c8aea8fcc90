import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import type { LogEvent } from "../../src/okta/types.js";
import { BACKFILL_BATCH_SIZE } from "../../src/reconcile/backfill.js";
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
import { parsedEvent, seedAttempt, seedDelivery } from "../helpers/seed-store.js";
import { closeTargets, freePort, startTarget, type Target } from "../helpers/target.js";

let fake: FakeOkta;
let store: Store;
let target: Target;
let options: ReconcileRig["options"];
let received: ReconcileRig["received"];

beforeEach(async () => {
  target = await startTarget("/okta/events");
  ({ fake, store, options, received } = await startReconcileRig({
    replayMissing: { to: target.url, secret: "hook-secret" },
  }));
});

afterEach(async () => {
  await closeTargets();
  await closeReconcileRigs();
});

/** `n` events in the System Log, 1 s apart, published from 30 min ago, types alternating. */
function emitted(n: number, types = [CREATE, ADD]): LogEvent[] {
  const start = Date.now() - 30 * MIN;
  return fake.addLogEvents(
    Array.from({ length: n }, (_, i) => ({
      eventType: types[i % types.length]!,
      published: new Date(start + i * 1000).toISOString(),
      debugContext: { debugData: { webhooks: "whoHook1" } },
    })),
  );
}

function postedEvents(t: Target): LogEvent[][] {
  return t.posts().map((p) => JSON.parse(p.body.toString()).data.events as LogEvent[]);
}

describe("--replay-missing", () => {
  it("sends exactly the missing events, Okta-shaped, batched in published order; then in sync", async () => {
    const events = emitted(130);
    received(events.slice(0, 10), 100);
    const missing = events.slice(10);

    const first = await runReconcile(options());

    expect(first.report.counts.missing).toBe(120);
    const batches = postedEvents(target);
    expect(batches.map((b) => b.length)).toEqual([BACKFILL_BATCH_SIZE, BACKFILL_BATCH_SIZE, 20]);
    expect(batches.flat().map((e) => e.uuid)).toEqual(missing.map((e) => e.uuid));
    expect(batches.flat()[0]).toEqual(missing[0]);
    const [post] = target.posts();
    expect(post!.headers).toMatchObject({
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": "Okta Hook Service v1.0.0",
      authorization: "hook-secret",
      "x-okhook-backfill": "true",
    });
    expect(post!.headers["x-okta-request-id"]).toMatch(/^[\w-]{27}$/);
    const envelope = JSON.parse(post!.body.toString());
    expect(envelope).toMatchObject({
      eventType: "com.okta.event_hook",
      cloudEventsVersion: "0.1",
      source: `${fake.url}/api/v1/eventHooks/whoHook1`,
    });
    expect(first.backfill).toMatchObject({
      events: 120,
      acceptedEvents: 120,
      failedDeliveries: 0,
      targets: [{ url: target.url, source: "to" }],
    });

    const stored = store.lookup.resolve(first.backfill!.deliveries[0]!.deliveryId).delivery;
    expect(stored).toMatchObject({ kind: "backfill", status: 200, eventCount: 50 });
    expect(JSON.stringify(stored.headers)).not.toContain("hook-secret");
    expect(store.attempts.of(stored.seq)).toMatchObject([
      { kind: "backfill", target: target.url, status: 200, attempt: 1 },
    ]);

    const second = await runReconcile(options({ replayMissing: undefined }));
    expect(second.report.inSync).toBe(true);
    expect(second.report.counts).toMatchObject({ received: 130, late: 0, duplicated: 0 });
  });

  it("keeps events missing when the target refuses them, and says what it answered", async () => {
    emitted(3);
    target.setAnswer(() => ({ status: 500, body: "boom" }));
    const first = await runReconcile(options());
    expect(first.backfill).toMatchObject({ acceptedEvents: 0, failedDeliveries: 1 });
    expect(first.backfill!.deliveries[0]).toMatchObject({
      status: 500,
      verdict: "would-retry",
      storedBy: "okhook",
    });
    const again = await runReconcile(options({ replayMissing: undefined }));
    expect(again.report.counts.missing).toBe(3);
    const port = await freePort();
    const refused = await runReconcile(
      options({ replayMissing: { to: `http://127.0.0.1:${port}/hook` } }),
    );
    expect(refused.backfill!.deliveries[0]).toMatchObject({
      status: null,
      error: expect.stringMatching(/connection refused/),
    });
  });

  it("defaults to the forward target per event type, else the listener", async () => {
    const listener = await startTarget("/okta/events");
    store.meta.set("listener.url", listener.url);
    const old = seedDelivery(store, [parsedEvent("old", Date.now() - 3 * 60 * MIN, ADD)]);
    seedAttempt(store, old.seq, { target: target.url });
    emitted(4);
    const result = await runReconcile(options({ replayMissing: {} }));
    expect(
      postedEvents(target)
        .flat()
        .map((e) => e.eventType),
    ).toEqual([ADD, ADD]);
    expect(
      postedEvents(listener)
        .flat()
        .map((e) => e.eventType),
    ).toEqual([CREATE, CREATE]);
    expect(result.backfill!.targets).toEqual(
      expect.arrayContaining([
        { url: target.url, source: "forward" },
        { url: listener.url, source: "listener" },
      ]),
    );
  });

  it("refuses before asking Okta when there is no target at all", async () => {
    await expect(runReconcile(options({ replayMissing: {} }))).rejects.toThrow(UsageError);
    expect(fake.requests).toHaveLength(0);
  });
});
