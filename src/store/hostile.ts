import type { Store } from "./store.js";
import { HOSTILE_KINDS } from "./types.js";

/**
 * The rows of what strangers sent (HOSTILE_KINDS, and verification GETs whose auth failed):
 * the very WHERE of the partial index `deliveries_hostile` (migration 5), so SQLite walks
 * that index instead of every delivery.
 */
export const HOSTILE_WHERE = `kind IN (${HOSTILE_KINDS.map((k) => `'${k}'`).join(", ")})
      OR (kind = 'verification' AND auth IN ('missing', 'wrong'))`;

/**
 * Delete all but the newest `keep` hostile rows (a row something was re-sent from is kept:
 * it has attempts to show). Returns how many went. Bounded work: the index holds about
 * `keep` + what arrived since the last prune.
 */
export function pruneHostile(store: Store, keep: number): number {
  const info = store.db
    .prepare(
      `DELETE FROM deliveries WHERE seq IN (
        SELECT seq FROM deliveries WHERE ${HOSTILE_WHERE} ORDER BY seq DESC LIMIT -1 OFFSET ?
      ) AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.delivery_seq = deliveries.seq)`,
    )
    .run(keep);
  return info.changes;
}
