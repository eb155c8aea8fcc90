import { afterEach, describe, expect, it } from "vitest";
import { OktaClient } from "../../src/okta/client.js";
import type { LogEvent } from "../../src/okta/types.js";
import { diffEvents, type LocalEventRow, type LocalEvents } from "../../src/reconcile/diff.js";
import type { HookReceiver } from "../helpers/hook-receiver.js";
import { closeOktaRigs, startOktaRig } from "../helpers/okta-rig.js";

afterEach(closeOktaRigs);

/** What a listener would have stored: one row per event per POST that reached it. */
function storedRows(r: HookReceiver): LocalEventRow[] {
  return r.received
    .filter((req) => req.method === "POST" && req.status === 200)
    .flatMap((req, i) =>
      (JSON.parse(req.body).data.events as LogEvent[]).map((e) => ({
        uuid: String(e.uuid),
        eventType: e.eventType ?? null,
        published: e.published ?? null,
        receivedAt: Date.now(),
        deliveryId: `d${i}`,
      })),
    );
}

function asLocal(rows: LocalEventRow[]): LocalEvents {
  return { byUuid: (uuid) => rows.filter((r) => r.uuid === uuid), inWindow: () => rows };
}

describe("reconcile against the fake Okta", () => {
  it("finds duplicates, rejected deliveries, strays and Okta's delivery failures", async () => {
    const { fake, receiver, agent } = await startOktaRig({ deliveryTimeoutMs: 500 });
    const client = new OktaClient({ orgUrl: fake.url, apiToken: fake.token, dispatcher: agent });
    const since = Date.now() - 60_000;
    const hook = await client.createEventHook({
      name: "dev",
      events: { type: "EVENT_TYPE", items: ["user.lifecycle.create", "user.lifecycle.activate"] },
      channel: {
        type: "HTTP",
        version: "1.0.0",
        config: {
          uri: receiver.url,
          authScheme: { type: "HEADER", key: "Authorization", value: "shh" },
        },
      },
    });
    await client.verify(hook.id);
    const create = { eventType: "user.lifecycle.create" };
    await fake.deliver({
      events: [create, create, { eventType: "user.lifecycle.activate" }],
      duplicate: true,
    });
    receiver.script.push("400");
    const rejected = await fake.deliver({ events: [create, create] });
    fake.addLogEvents([{ eventType: "user.session.start" }]);
    const rows = storedRows(receiver);
    rows.push({
      uuid: "stray",
      eventType: "user.lifecycle.create",
      published: new Date().toISOString(),
      receivedAt: Date.now(),
      deliveryId: "dx",
    });

    const report = await diffEvents({
      remote: client.listLogs({
        since,
        until: Date.now() + 1000,
        filter: 'eventType sw "user.lifecycle" or eventType eq "event_hook.delivery"',
      }),
      local: asLocal(rows),
      hookId: hook.id,
    });

    expect(report.counts).toEqual({
      inLog: 5,
      received: 4,
      missing: 2,
      duplicated: 3,
      unexpected: 1,
      late: 0,
      deliveryFailures: 1,
    });
    expect(report.missing.map((m) => m.uuid).sort()).toEqual(
      rejected.events.map((e) => String(e.uuid)).sort(),
    );
    expect(report.missing[0]!.hookIds).toEqual([hook.id]);
    expect(report.deliveryFailures[0]).toMatchObject({
      hookIds: [hook.id],
      outcome: { result: "FAILURE" },
    });
  });
});
