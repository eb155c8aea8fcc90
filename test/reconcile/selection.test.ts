import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readEnv } from "../../src/config.js";
import { LISTENER_TUNNEL_META } from "../../src/listen/tunnel-record.js";
import { reconcileJson, reconcileText } from "../../src/output/reconcile-render.js";
import { runReconcile } from "../../src/reconcile/run.js";
import { hookMetaKey } from "../../src/reconcile/selection.js";
import type { Store } from "../../src/store/store.js";
import type { FakeOkta } from "../helpers/fake-okta.js";
import {
  ADD,
  CREATE,
  closeReconcileRigs,
  type ReconcileRig,
  startReconcileRig,
} from "../helpers/reconcile-rig.js";

let fake: FakeOkta;
let store: Store;
let options: ReconcileRig["options"];
let logged: ReconcileRig["logged"];
let received: ReconcileRig["received"];
let logQueries: ReconcileRig["logQueries"];
let hook: ReconcileRig["hook"];

beforeEach(async () => {
  ({ fake, store, options, logged, received, logQueries, hook } = await startReconcileRig());
});

afterEach(closeReconcileRigs);

const env = readEnv({ NO_COLOR: "1" });
const DEACTIVATE = "user.lifecycle.deactivate";

/** One event of each type in the System Log, ten minutes ago; `receivedTypes` also stored. */
function scenario(types: string[], receivedTypes: string[]) {
  const events = logged(types);
  for (const e of events.filter((x) => receivedTypes.includes(String(x.eventType)))) received([e]);
  return events;
}

const filters = () => logQueries().map((q) => q.filter ?? "");

describe("which event types reconcile compares", () => {
  it("by default, the types of the hook listen --register remembered: a type that never arrived is missing", async () => {
    const id = hook([CREATE, ADD]);
    store.meta.set(hookMetaKey(fake.url), id);
    const [, neverArrived] = scenario([CREATE, ADD], [CREATE]);
    const result = await runReconcile(options());
    expect(result.selection).toEqual({
      source: "hook",
      types: [ADD, CREATE],
      hook: { id, from: "database" },
    });
    expect(result.report.missing.map((m) => m.uuid)).toEqual([neverArrived!.uuid]);
    expect(result.report.inSync).toBe(false);
    // the known hook also brings its delivery failures
    expect(result).toMatchObject({ hookId: id, hookFrom: "database" });
    expect(filters().at(-1)).toBe('eventType eq "event_hook.delivery"');
    const text = reconcileText(result, { stream: {}, env });
    expect(text).toContain(
      `Compared: the 2 event types hook ${id} is subscribed to, read from Okta (hook id remembered by okhook listen --register) (${ADD}, ${CREATE})`,
    );
    const doc = JSON.parse(reconcileJson(result));
    expect(doc.selection).toMatchObject({
      source: "hook",
      hook: { id, from: "database" },
      description: `the 2 event types hook ${id} is subscribed to, read from Okta (hook id remembered by okhook listen --register)`,
    });
  });

  it("warns about received types outside the subscription and does not compare them", async () => {
    store.meta.set(hookMetaKey(fake.url), hook([CREATE]));
    scenario([CREATE, DEACTIVATE], [CREATE, DEACTIVATE]);
    const result = await runReconcile(options());
    expect(result.selection.types).toEqual([CREATE]);
    expect(result.report.counts).toMatchObject({ inLog: 1, received: 1, unexpected: 0 });
    expect(result.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `received events of 1 type hook who\\w+ is not subscribed to \\(${DEACTIVATE}\\): not compared`,
        ),
      ),
    ]);
  });

  it("falls back to the types received, saying so, when the remembered hook is gone from Okta", async () => {
    store.meta.set(hookMetaKey(fake.url), "whoDeletedLongAgo1");
    scenario([CREATE, ADD], [CREATE]);
    const result = await runReconcile(options());
    expect(result.selection).toEqual({ source: "received", types: [CREATE] });
    expect(result.warnings[0]).toMatch(
      /hook whoDeletedLongAgo1 \(remembered by okhook listen --register\) is gone from Okta, so the types it is subscribed to are not compared \(name them with --event-type\)/,
    );
    expect(result.report.inSync).toBe(true);
    const text = reconcileText(result, { stream: {}, env });
    expect(text).toContain(
      `Compared: the 1 event type received in the window (${CREATE}); a type that never arrived is not checked (pass --hook-id or --event-type)`,
    );
  });

  it("falls back to the types received, saying so, when the token may not read event hooks", async () => {
    const rig = await startReconcileRig({}, { grantedScopes: ["okta.logs.read"] });
    const id = rig.hook([CREATE, ADD]);
    rig.store.meta.set(hookMetaKey(rig.fake.url), id);
    const result = await runReconcile(
      rig.options({ apiToken: undefined, accessToken: rig.fake.token }),
    );
    expect(result.selection).toEqual({ source: "all", types: null });
    expect(result.warnings).toEqual([
      `hook ${id} cannot be read: the token lacks okta.eventHooks.read, so the types it is subscribed to are not compared (name them with --event-type)`,
    ]);
  });

  it("remembers hooks per org: another org's hook id is not used", async () => {
    store.meta.set(hookMetaKey("https://other.okta.com"), hook([CREATE, ADD]));
    scenario([CREATE, ADD], [CREATE]);
    const result = await runReconcile(options());
    expect(result.selection.source).toBe("received");
    expect(result.hookId).toBeNull();
    expect(fake.requests.some((r) => r.path.startsWith("/api/v1/eventHooks/"))).toBe(false);
  });

  it("--event-type wins over the hook, and warns when the hook filters its events", async () => {
    const id = hook([CREATE, ADD], {
      filter: { type: "EXPRESSION_LANGUAGE", eventFilterMap: [] },
    });
    scenario([CREATE, ADD], []);
    const flagged = await runReconcile(options({ hookId: id, eventTypes: [CREATE] }));
    expect(flagged.selection).toEqual({ source: "flag", types: [CREATE] });
    expect(flagged.report.counts.missing).toBe(1);
    const byHook = await runReconcile(options({ hookId: id }));
    expect(byHook.report.counts.missing).toBe(2);
    expect(byHook.warnings).toContainEqual(
      `--hook-id "${id}" filters its events (events.filter): events its filter drops show as missing here`,
    );
  });
});

describe("the hook a user pasted the tunnel URL into by hand (no --register)", () => {
  const URL_NOW = "https://calm-words-here.trycloudflare.com/okta/events";
  /** The tunnel row a listen writes (its lock long gone: reconcile runs after it). */
  const listenedAt = (hookUrl: string) =>
    store.meta.set(
      LISTENER_TUNNEL_META,
      JSON.stringify({ lockId: "gone", state: "stopped", hookUrl, since: "2026-12-02T00:00:00Z" }),
    );

  it("is found by the listener's last URL: its types are compared, its failures pulled", async () => {
    listenedAt(URL_NOW);
    fake.hooks.seed({ name: "elsewhere", uri: "https://example.com/hooks", items: [CREATE] });
    const ours = fake.hooks.seed({ name: "my laptop", uri: URL_NOW, items: [CREATE, ADD] });
    const [, neverArrived] = scenario([CREATE, ADD], [CREATE]);
    const result = await runReconcile(options());
    expect(result.selection).toEqual({
      source: "hook",
      types: [ADD, CREATE],
      hook: { id: ours.id, from: "url", url: URL_NOW },
    });
    expect(result.report.missing.map((m) => m.uuid)).toEqual([neverArrived!.uuid]);
    expect(result).toMatchObject({ hookId: ours.id, hookFrom: "url" });
    expect(filters().at(-1)).toBe('eventType eq "event_hook.delivery"');
    expect(reconcileText(result, { stream: {}, env })).toContain(
      `Compared: the 2 event types hook ${ours.id} is subscribed to, read from Okta (the hook at the listener's last URL, ${URL_NOW})`,
    );
  });

  it("prefers the active one when several point there, and says which", async () => {
    listenedAt(URL_NOW);
    fake.hooks.seed({ name: "old", uri: URL_NOW, items: [CREATE], status: "INACTIVE" });
    const active = fake.hooks.seed({ name: "new", uri: URL_NOW, items: [CREATE, ADD] });
    scenario([CREATE], [CREATE]);
    const result = await runReconcile(options());
    expect(result.hookId).toBe(active.id);
    expect(result.warnings).toContain(
      `2 event hooks point at ${URL_NOW}: compared with ${active.id} ("new"); pass --hook-id to pick another`,
    );
  });

  it("without okta.eventHooks.read, falls back to the types received and says why", async () => {
    const rig = await startReconcileRig({}, { grantedScopes: ["okta.logs.read"] });
    rig.store.meta.set(
      LISTENER_TUNNEL_META,
      JSON.stringify({ lockId: "gone", state: "stopped", hookUrl: URL_NOW, since: "" }),
    );
    const result = await runReconcile(
      rig.options({ apiToken: undefined, accessToken: rig.fake.token }),
    );
    expect(result.selection.source).toBe("all");
    expect(result.warnings).toEqual([
      `the event hook at ${URL_NOW} cannot be looked up: the token lacks okta.eventHooks.read (pass --hook-id or --event-type)`,
    ]);
    // with --event-type the lookup is only for delivery failures: no warning
    const typed = await runReconcile(
      rig.options({ apiToken: undefined, accessToken: rig.fake.token, eventTypes: [CREATE] }),
    );
    expect(typed.warnings).toEqual([]);
  });

  it("no hook points at that URL: the types received, as before", async () => {
    listenedAt(URL_NOW);
    fake.hooks.seed({ name: "elsewhere", uri: "https://example.com/hooks", items: [CREATE, ADD] });
    scenario([CREATE, ADD], [CREATE]);
    const result = await runReconcile(options());
    expect(result.selection).toEqual({ source: "received", types: [CREATE] });
    expect(result.hookId).toBeNull();
  });
});
