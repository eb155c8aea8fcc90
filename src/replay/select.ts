import { UsageError } from "../errors.js";
import type { Store } from "../store/store.js";
import type { DeliveryKind, ListQuery } from "../store/types.js";
import type { ReplayItem } from "./types.js";

/** Selectors instead of ids (cli.md "okhook replay"); they combine with AND. */
export interface ReplaySelector {
  /** Last attempt not 2xx, or never forwarded. */
  failed?: boolean;
  /** Received at or after (epoch ms). */
  since?: number;
  /** Received at or before (epoch ms). */
  until?: number;
  /** Event-type glob (`user.lifecycle.*`), see event-type-glob.ts. */
  eventTypeGlob?: string;
}

/** Kinds a selector picks: what arrived as Okta deliveries, never replays' own edited copies. */
export const SELECTABLE_KINDS: readonly DeliveryKind[] = ["delivery", "fixture", "backfill"];

/** Selections larger than this ask for confirmation on a TTY (and need --yes elsewhere). */
export const CONFIRM_ABOVE_COUNT = 100;

/** Rows read per page while walking a selection. */
export const SELECTION_PAGE_SIZE = 500;

const NO_ATTEMPTS: ReadonlyMap<string, number> = new Map();

/** A selection: its size when counted, and a lazy walk over it oldest first. */
export interface Selection {
  total: number;
  items: () => Iterable<ReplayItem>;
}

/**
 * Select deliveries by selector, oldest first, paged by keyset; each page's bodies and attempt
 * numbers are read with it. The walk stops at the newest delivery that existed when
 * selecting, so copies stored by the replay itself are never picked.
 */
export function selectDeliveries(
  store: Store,
  sel: ReplaySelector,
  pageSize = SELECTION_PAGE_SIZE,
): Selection {
  const base: Omit<ListQuery, "limit"> = {
    kinds: [...SELECTABLE_KINDS],
    since: sel.since,
    until: sel.until,
    eventTypeGlob: sel.eventTypeGlob,
    lastAttemptFailed: sel.failed,
    beforeSeq: store.deliveries.maxSeq() + 1,
  };
  return {
    total: store.deliveries.count(base),
    items: function* () {
      let afterSeq = 0;
      for (;;) {
        const rows = store.deliveries.list({ ...base, afterSeq, order: "asc", limit: pageSize });
        const seqs = rows.map((r) => r.seq);
        const bodies = store.deliveries.bodies(seqs);
        const attempts = store.attempts.lastNos(seqs);
        for (const row of rows) {
          const { seq } = row;
          const lastAttempt = attempts.get(seq) ?? NO_ATTEMPTS;
          yield { seq, prefetched: { row, body: bodies.get(seq) ?? null, lastAttempt } };
        }
        if (rows.length < pageSize) return;
        afterSeq = rows[rows.length - 1]!.seq;
      }
    },
  };
}

/**
 * Resolve ids and event uuids given on the command line (duplicates dropped, order kept).
 * An event uuid of a multi-event delivery selects just that event. Unknown, ambiguous or
 * unreplayable references are usage errors naming the reference.
 */
export function resolveRefs(store: Store, refs: readonly string[]): ReplayItem[] {
  const seen = new Set<string>();
  const items: ReplayItem[] = [];
  for (const ref of refs) {
    const { delivery, viaEvent } = store.lookup.resolve(ref);
    if (delivery.method !== "POST") {
      throw new UsageError(
        `"${ref}": a ${delivery.kind} request (${delivery.method} ${delivery.path}), not a delivery: nothing to replay`,
      );
    }
    const body = store.deliveries.body(delivery.seq);
    if (body === null) {
      throw new UsageError(
        `"${ref}": its body was not stored (${delivery.kind}), so it cannot be replayed`,
      );
    }
    if (body.length < delivery.size) {
      throw new UsageError(
        `"${ref}": only the first ${body.length} of its ${delivery.size} body bytes were kept (${delivery.kind}), so it cannot be replayed`,
      );
    }
    const item: ReplayItem =
      viaEvent && delivery.eventCount > 1
        ? { seq: delivery.seq, eventIdx: viaEvent.idx }
        : { seq: delivery.seq };
    const key = `${item.seq}:${item.eventIdx ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(item);
  }
  return items;
}
