import { currentHolder } from "../listen/listener-lock.js";
import { goneReason } from "../listen/process-alive.js";
import { listenerSecrets } from "../listen/secret.js";
import { LISTENER_TUNNEL_META, readTunnelRecord } from "../listen/tunnel-record.js";
import { hookMetaKey } from "../reconcile/selection.js";
import { recentRejections } from "../store/health.js";
import type { Store } from "../store/store.js";
import type { ListenerFacts } from "./facts.js";

/** How far back doctor looks for auth rejections. */
export const REJECTIONS_WINDOW_MS = 24 * 3_600_000;

/**
 * What the database says about its listener: the lock row (running, pid, URL), the auth it
 * recorded (header name, where its secret came from, targets — never a value), its tunnel
 * record, and recent 401s. Reads only.
 */
export function readListenerFacts(store: Store, o: { dbPath: string; now: number }): ListenerFacts {
  const holder = currentHolder(store);
  const running = holder !== undefined && goneReason(holder.pid, holder) === null;
  const secrets = listenerSecrets(o.dbPath, store);
  const facts: ListenerFacts = {
    running,
    header: secrets.header,
    secretSource: secrets.source,
    targets: [...new Set(secrets.targets)],
    rejected: recentRejections(store, o.now - REJECTIONS_WINDOW_MS),
  };
  if (running && holder) {
    facts.pid = holder.pid;
    facts.startedAt = holder.startedAt;
    facts.url = holder.url;
    facts.tunnel = readTunnelRecord(store.meta.get(LISTENER_TUNNEL_META), holder.id);
  } else {
    facts.lastUrl = secrets.listenerUrl;
  }
  return facts;
}

/** The hook id `listen --register` remembered for this org, if any. */
export function knownHookId(store: Store, orgUrl: string): string | undefined {
  return store.meta.get(hookMetaKey(orgUrl));
}
