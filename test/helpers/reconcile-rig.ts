import type { LogEvent } from "../../src/okta/types.js";
import type { RunReconcileOptions } from "../../src/reconcile/run.js";
import type { Store } from "../../src/store/store.js";
import type { FakeOkta } from "./fake-okta.js";
import { closeOktaRigs, startOktaRig } from "./okta-rig.js";
import { closeStores, parsedEvent, seedDelivery, tempStore } from "./seed-store.js";
import { cleanupTmp } from "./tmp.js";

export const CREATE = "user.lifecycle.create";
export const ADD = "group.user_membership.add";
export const MIN = 60_000;

/** A fake Okta, a temporary store, and runReconcile options pointing at both. */
export interface ReconcileRig {
  fake: FakeOkta;
  store: Store;
  /** Options for a 2 h reconcile against the rig, `defaults` and then `extra` applied. */
  options: (extra?: Partial<RunReconcileOptions>) => RunReconcileOptions;
  /** Events of these types in the fake System Log, all published `agoMs` (10 min) ago. */
  logged: (types: string[], agoMs?: number) => LogEvent[];
  /** Store one delivery carrying `events`, received `delayMs` (500) after the first's published. */
  received: (events: LogEvent[], delayMs?: number) => { id: string; seq: number };
  /** An event hook in the fake org subscribed to `items` (`extra` merged into `events`); its id. */
  hook: (items: string[], extra?: Record<string, unknown>) => string;
  /** The query of each System Log request the fake saw, in order. */
  logQueries: () => Record<string, string>[];
}

/** A fake Okta (startOktaRig) and a temp store; closed by closeReconcileRigs. */
export async function startReconcileRig(
  defaults: Partial<RunReconcileOptions> = {},
  fakeOptions: Parameters<typeof startOktaRig>[0] = {},
): Promise<ReconcileRig> {
  const { fake, agent } = await startOktaRig(fakeOptions);
  const { store } = tempStore();
  const options = (extra: Partial<RunReconcileOptions> = {}): RunReconcileOptions => ({
    orgUrl: fake.url,
    apiToken: fake.token,
    since: "2h",
    store,
    dispatcher: agent,
    ...defaults,
    ...extra,
  });
  const logged = (types: string[], agoMs = 10 * MIN) => {
    const published = new Date(Date.now() - agoMs).toISOString();
    return fake.addLogEvents(types.map((eventType) => ({ eventType, published })));
  };
  const received = (events: LogEvent[], delayMs = 500) =>
    seedDelivery(
      store,
      events.map((e) => parsedEvent(String(e.uuid), String(e.published), String(e.eventType))),
      { receivedAt: Date.parse(String(events[0]!.published)) + delayMs },
    );
  const hook = (items: string[], extra: Record<string, unknown> = {}) =>
    (
      fake.hooks.create({
        name: "okhook dev",
        events: { type: "EVENT_TYPE", items, ...extra },
        channel: { type: "HTTP", version: "1.0.0", config: { uri: "http://127.0.0.1:9/hook" } },
      }).body as { id: string }
    ).id;
  const logQueries = () =>
    fake.requests.filter((r) => r.path === "/api/v1/logs").map((r) => r.query);
  return { fake, store, options, logged, received, hook, logQueries };
}

/** Close what startReconcileRig opened (for afterEach). */
export async function closeReconcileRigs(): Promise<void> {
  await closeOktaRigs();
  closeStores();
  cleanupTmp();
}
