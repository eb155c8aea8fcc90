import { UsageError } from "../errors.js";
import { iso, parseTimeArg } from "../time.js";

const DAY_MS = 86_400_000;
/** Okta keeps System Log events this long; older ones are simply not returned. */
export const SYSTEM_LOG_RETENTION_MS = 90 * DAY_MS;
/** Okta refuses a `since` further back than this (400 E0000053). */
export const SYSTEM_LOG_MAX_SINCE_AGE_MS = 180 * DAY_MS;

/** The bounded window a reconcile compares. */
export interface ReconcileWindow {
  /** Sent to Okta as `since`, epoch ms. */
  since: number;
  /** Sent to Okta as `until` (always, so the query is bounded), epoch ms. */
  until: number;
  /**
   * Start of the local comparison, epoch ms: `since`, or the retention edge when the window
   * reaches past it (local events Okta no longer has are not "unexpected").
   */
  localSince: number;
  warnings: string[];
}

/** Resolve `--since`/`--until` (`30m`, `2h`, `7d` or ISO) against Okta's limits. */
export function resolveWindow(input: {
  since: string;
  until?: string;
  now?: number;
}): ReconcileWindow {
  const now = input.now ?? Date.now();
  const since = parseTimeArg(input.since, "--since", now);
  const until = input.until === undefined ? now : parseTimeArg(input.until, "--until", now);
  if (until <= since) {
    throw new UsageError(
      `--until "${input.until ?? "now"}": not after --since "${input.since}" (${iso(until)} ≤ ${iso(since)}); give a later --until or an earlier --since`,
    );
  }
  if (now - since > SYSTEM_LOG_MAX_SINCE_AGE_MS) {
    throw new UsageError(
      `--since "${input.since}": ${iso(since)} is over 180 days back, which Okta's System Log refuses (400 E0000053) and it keeps only 90 days anyway (try --since 90d)`,
    );
  }
  const warnings: string[] = [];
  const retentionEdge = now - SYSTEM_LOG_RETENTION_MS;
  let localSince = since;
  if (since < retentionEdge) {
    localSince = retentionEdge;
    warnings.push(
      `--since "${input.since}" reaches past Okta's 90-day System Log retention: events before ${iso(retentionEdge)} are gone from Okta, so only the window from then on is compared`,
    );
  }
  return { since, until, localSince: Math.min(localSince, until), warnings };
}
