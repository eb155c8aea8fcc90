import type { RunReconcileOptions } from "../../src/reconcile/run.js";
import type { Store } from "../../src/store/store.js";
import type { FakeOkta } from "./fake-okta.js";
import { closeOktaRigs, startOktaRig } from "./okta-rig.js";
import { closeStores, tempStore } from "./seed-store.js";
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
}

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
  return { fake, store, options };
}

/** Close what startReconcileRig opened (for afterEach). */
export async function closeReconcileRigs(): Promise<void> {
  await closeOktaRigs();
  closeStores();
  cleanupTmp();
}
