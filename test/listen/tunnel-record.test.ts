import { afterEach, describe, expect, it } from "vitest";
import { EventBus } from "../../src/events.js";
import {
  LISTENER_TUNNEL_META,
  lastPublicHookUrl,
  oktaFacingUrl,
  readTunnelRecord,
  recordTunnelState,
} from "../../src/listen/tunnel-record.js";
import { closeStores, tempStore } from "../helpers/seed-store.js";
import { cleanupTmp } from "../helpers/tmp.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

describe("the listener's tunnel record (what doctor reads)", () => {
  it("follows the tunnel's states, keeps the URLs across a reconnect, and is tied to the lock", () => {
    const { store } = tempStore();
    const bus = new EventBus();
    recordTunnelState({ store, lockId: "lock-1", bus, tunneled: true });
    const read = (lockId = "lock-1") =>
      readTunnelRecord(store.meta.get(LISTENER_TUNNEL_META), lockId);
    expect(read()).toMatchObject({ state: "starting" });
    const publicUrl = "https://quiet-harbor.trycloudflare.com";
    bus.emit({ type: "tunnel", state: "ready", publicUrl, hookUrl: `${publicUrl}/okta/events` });
    expect(read()).toMatchObject({ state: "ready", hookUrl: `${publicUrl}/okta/events` });
    bus.emit({ type: "tunnel", state: "reconnecting", reason: "edge gone" });
    expect(read()).toMatchObject({
      state: "reconnecting",
      reason: "edge gone",
      publicUrl,
      hookUrl: `${publicUrl}/okta/events`,
    });
    // a restarted quick tunnel: a new URL, and no stale hook URL carried over
    bus.emit({ type: "tunnel", state: "starting", publicUrl: "https://new.trycloudflare.com" });
    expect(read()?.hookUrl).toBeUndefined();
    // another listener's (or a dead one's) row is never taken for this one's
    expect(read("lock-2")).toBeUndefined();
    expect(readTunnelRecord("{not json", "lock-1")).toBeUndefined();
  });

  it("without a tunnel the record says off", () => {
    const { store } = tempStore();
    const bus = new EventBus();
    recordTunnelState({ store, lockId: "l", bus, tunneled: false });
    expect(readTunnelRecord(store.meta.get(LISTENER_TUNNEL_META), "l")?.state).toBe("off");
  });

  it("says where Okta must point: the running listener's public URL, else its local one", () => {
    const { store } = tempStore();
    const bus = new EventBus();
    const local = "http://127.0.0.1:8787/okta/events";
    recordTunnelState({ store, lockId: "lock-1", bus, tunneled: true });
    expect(oktaFacingUrl(store, "lock-1", local)).toBe(local); // starting: no URL yet
    const hookUrl = "https://quiet-harbor.trycloudflare.com/okta/events";
    bus.emit({ type: "tunnel", state: "ready", publicUrl: hookUrl.slice(0, -12), hookUrl });
    expect(oktaFacingUrl(store, "lock-1", local)).toBe(hookUrl);
    // another listener's row is not this one's; the last public URL outlives its listener
    expect(oktaFacingUrl(store, "lock-2", local)).toBe(local);
    expect(lastPublicHookUrl(store.meta.get(LISTENER_TUNNEL_META))).toBe(hookUrl);
    expect(lastPublicHookUrl("{not json")).toBeUndefined();
  });
});
