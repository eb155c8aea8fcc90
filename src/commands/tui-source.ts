import type { Store } from "../store/store.js";
import type { DeliveryRow } from "../store/types.js";
import type { DeliverySource } from "../ui/types.js";

/**
 * The UI's read interface over the store. Counters cover rows after `countersSinceSeq`
 * (the session for listen, since opening for ui) so they never scan a big table. Once the
 * database is closed (shutdown) every read answers empty instead of throwing.
 */
export function storeSource(
  store: Store,
  o: { countersSinceSeq: number; notStored?: () => number },
): DeliverySource {
  const open = () => store.db.open;
  return {
    page: (q) => (open() ? store.list(q) : []),
    rows: (seqs) =>
      open() ? seqs.map((s) => store.bySeq(s)).filter((r): r is DeliveryRow => !!r) : [],
    detail: (seq) => {
      const delivery = open() ? store.bySeq(seq) : undefined;
      if (!delivery) return undefined;
      const body = store.body(seq);
      return {
        delivery,
        events: store.events(seq),
        attempts: store.attempts(seq),
        body: body ? body.toString("utf8") : null,
      };
    },
    counters: () =>
      open()
        ? { ...store.counters(o.countersSinceSeq), notStored: o.notStored?.() }
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
    maxSeq: () => (open() ? store.maxSeq() : 0),
  };
}
