import type { EventBus, SessionEvent } from "../events.js";
import type { Store } from "../store/store.js";

/**
 * The meta row where a running `listen` keeps its tunnel's state and public URL, so `okhook
 * doctor` (another process) can check the public URL end to end. Tied to the listener lock's
 * id: a row left by a listener that is gone is never taken for the running one's.
 */
export const LISTENER_TUNNEL_META = "listener.tunnel";

/** Tunnel states as `listen` reports them (`off`: `--tunnel none`). */
export type TunnelState = Extract<SessionEvent, { type: "tunnel" }>["state"];

/** What the row says. */
export interface TunnelRecord {
  /** The listener lock id of the listen that wrote it. */
  lockId: string;
  state: TunnelState;
  publicUrl?: string;
  /** The public URL + hook path: what Okta's hook must point at. */
  hookUrl?: string;
  reason?: string;
  /** When the state was entered (ISO 8601). */
  since: string;
}

/** The row for a tunnel event of the listener holding `lockId` (keeps the last known URLs). */
export function tunnelRecord(
  lockId: string,
  e: Extract<SessionEvent, { type: "tunnel" }>,
  previous: TunnelRecord | undefined,
  now: number = Date.now(),
): TunnelRecord {
  const sameUrl = e.publicUrl === undefined || e.publicUrl === previous?.publicUrl;
  return {
    lockId,
    state: e.state,
    publicUrl: e.publicUrl ?? previous?.publicUrl,
    hookUrl: e.hookUrl ?? (sameUrl ? previous?.hookUrl : undefined),
    ...(e.reason ? { reason: e.reason } : {}),
    since: new Date(now).toISOString(),
  };
}

const STATES: readonly TunnelState[] = [
  "starting",
  "ready",
  "reconnecting",
  "failed",
  "stopped",
  "off",
];

/** The record of the listener holding `lockId`, or undefined (absent, damaged, or another's). */
export function readTunnelRecord(
  raw: string | undefined,
  lockId: string | undefined,
): TunnelRecord | undefined {
  if (!raw || !lockId) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<TunnelRecord> | null;
    if (!v || v.lockId !== lockId || !STATES.includes(v.state as TunnelState)) return undefined;
    const str = (x: unknown) => (typeof x === "string" ? x : undefined);
    return {
      lockId,
      state: v.state as TunnelState,
      publicUrl: str(v.publicUrl),
      hookUrl: str(v.hookUrl),
      reason: str(v.reason),
      since: str(v.since) ?? "",
    };
  } catch {
    return undefined;
  }
}

/**
 * Where Okta's hook must point for the running listener holding `lockId`: its public hook URL
 * while tunneled, else its local one (`localUrl`).
 */
export function oktaFacingUrl(
  store: Pick<Store, "meta">,
  lockId: string,
  localUrl: string | undefined,
): string | undefined {
  return readTunnelRecord(store.meta.get(LISTENER_TUNNEL_META), lockId)?.hookUrl ?? localUrl;
}

/**
 * The public hook URL the database's listener last had, running or not (reconcile looks for
 * the Okta hook pointing there); undefined when it never had one or the row is damaged.
 */
export function lastPublicHookUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<TunnelRecord> | null;
    return typeof v?.hookUrl === "string" && /^https?:\/\//.test(v.hookUrl) ? v.hookUrl : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keep the tunnel record of this listen run current: `off` without a tunnel, else `starting`
 * and every state the tunnel reports after. A write that fails (database closing) is skipped:
 * the record is a diagnosis aid, never a reason to disturb the listener.
 */
export function recordTunnelState(o: {
  store: Pick<Store, "meta" | "isOpen">;
  lockId: string;
  bus: EventBus;
  tunneled: boolean;
}): void {
  let last: TunnelRecord | undefined;
  const write = (e: Extract<SessionEvent, { type: "tunnel" }>) => {
    last = tunnelRecord(o.lockId, e, last);
    if (!o.store.isOpen) return;
    try {
      o.store.meta.set(LISTENER_TUNNEL_META, JSON.stringify(last));
    } catch {
      // e.g. SQLITE_BUSY past the busy timeout: doctor reads the previous state
    }
  };
  write({ type: "tunnel", state: o.tunneled ? "starting" : "off" });
  o.bus.on((e) => {
    if (e.type === "tunnel") write(e);
  });
}
