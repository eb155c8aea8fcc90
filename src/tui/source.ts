import { currentHolder } from "../listen/listener-lock.js";
import { goneReason } from "../listen/process-alive.js";
import { oktaFacingUrl } from "../listen/tunnel-record.js";
import type { Store } from "../store/store.js";
import type { DeliveryRow } from "../store/types.js";
import type { DeliverySource, ListenerStatus } from "../ui/types.js";

/**
 * Whether a listen holds the database now: its lock row names a process that still runs.
 * `listener.url` outlives the listen that wrote it, so it is only ever the *last* URL.
 */
export function listenerStatus(store: Store): ListenerStatus {
  const holder = currentHolder(store);
  if (holder && goneReason(holder.pid, holder) === null)
    return { running: true, pid: holder.pid, url: oktaFacingUrl(store, holder.id, holder.url) };
  return { running: false, lastUrl: store.meta.get("listener.url") };
}

/**
 * The UI's read interface over the store. Counters cover rows after `countersSinceSeq`
 * (the session for listen, since opening for ui) so they never scan a big table. Once the
 * database is closed (shutdown) every read answers empty instead of throwing. `listener`
 * (okhook ui) adds the listener's status, polled while the UI is open.
 */
export function storeSource(
  store: Store,
  o: { countersSinceSeq: number; notStored?: () => number; listener?: boolean },
): DeliverySource {
  const open = () => store.isOpen;
  return {
    ...(o.listener
      ? { listener: (): ListenerStatus => (open() ? listenerStatus(store) : { running: false }) }
      : {}),
    // rows say whether they were replayed (↻), by whichever process
    page: (q) => (open() ? store.deliveries.list({ ...q, replayed: true }) : []),
    rows: (seqs) =>
      open()
        ? seqs
            .map((s) => store.deliveries.bySeq(s, { replayed: true }))
            .filter((r): r is DeliveryRow => !!r)
        : [],
    detail: (seq) => {
      const delivery = open() ? store.deliveries.bySeq(seq) : undefined;
      if (!delivery) return undefined;
      const body = store.deliveries.body(seq);
      return {
        delivery,
        events: store.deliveries.events(seq),
        attempts: store.attempts.of(seq),
        body: body ? body.toString("utf8") : null,
        ...(delivery.kind === "inline" ? { inline: store.inline.of(seq) } : {}),
      };
    },
    counters: () =>
      open()
        ? { ...store.deliveries.counters(o.countersSinceSeq), notStored: o.notStored?.() }
        : {
            received: 0,
            forwarded: 0,
            failed: 0,
            pending: 0,
            duplicates: 0,
            rejected: 0,
            invalid: 0,
            verifications: 0,
          },
    maxSeq: () => (open() ? store.deliveries.maxSeq() : 0),
  };
}
