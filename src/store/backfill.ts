import type { Store } from "./store.js";
import type { HeaderPairs, ParsedEvent } from "./types.js";

/**
 * Look-back when finding the row a listener stored for a backfill we sent: the listener
 * stamps `received_at` with its own clock, which is this machine's, so a little slack does.
 */
export const LISTENER_ROW_SLACK_MS = 60_000;

/**
 * The forward target the listener last used for deliveries carrying `eventType` (routes
 * send event families to different apps), or undefined when it never forwarded one.
 */
export function forwardTargetFor(store: Store, eventType: string): string | undefined {
  const row = store.db
    .prepare(
      `SELECT a.target AS target FROM attempts a WHERE a.kind = 'forward' AND EXISTS (
         SELECT 1 FROM events e WHERE e.delivery_seq = a.delivery_seq AND e.event_type = ?)
       ORDER BY a.id DESC LIMIT 1`,
    )
    .get(eventType) as { target: string } | undefined;
  return row?.target;
}

/**
 * When a backfill went to an okhook listener writing to this database, the listener stored
 * it (persist, then acknowledge) as a plain `delivery`. Re-label that row `backfill`, so it
 * is never counted late and never stored twice. Returns the delivery id, or undefined when
 * no such row exists (the target was not a listener on this database).
 */
export function markListenerBackfill(
  store: Store,
  envelopeEventId: string,
  sentAt: number,
): { seq: number; id: string } | undefined {
  const row = store.db
    .prepare(
      `SELECT seq, id FROM deliveries
       WHERE received_at >= ? AND envelope_event_id = ? AND kind = 'delivery' LIMIT 1`,
    )
    .get(sentAt - LISTENER_ROW_SLACK_MS, envelopeEventId) as
    | { seq: number; id: string }
    | undefined;
  if (!row) return undefined;
  store.db.prepare("UPDATE deliveries SET kind = 'backfill' WHERE seq = ?").run(row.seq);
  return row;
}

/** One backfill delivery okhook sent itself, and what the target answered. */
export interface BackfillRecord {
  id: string;
  target: string;
  sentAt: number;
  /** Headers sent, auth value already redacted. */
  headers: HeaderPairs;
  body: Buffer;
  events: ParsedEvent[];
  envelopeEventId: string;
  status: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
  slow: boolean;
}

/**
 * Store a backfill as a `backfill` delivery with one attempt. Its status is the target's
 * answer (0 when none), so only accepted backfills count as received.
 */
export function insertBackfill(store: Store, r: BackfillRecord): { seq: number; id: string } {
  const ok = r.status !== null && r.status >= 200 && r.status < 300;
  const run = store.db.transaction(() => {
    const [stored] = store.deliveries.insert([
      {
        id: r.id,
        receivedAt: r.sentAt,
        method: "POST",
        path: pathOf(r.target),
        remoteAddr: null,
        headers: r.headers,
        body: r.body,
        size: r.body.length,
        kind: "backfill",
        status: r.status ?? 0,
        auth: "none",
        reason: r.error,
        events: r.events,
        envelopeEventId: r.envelopeEventId,
        forwardState: ok ? "forwarded" : "failed",
      },
    ]);
    const seq = stored!.seq;
    store.deliveries.setForward(seq, {
      state: ok ? "forwarded" : "failed",
      status: r.status,
      ms: r.durationMs,
      error: r.error,
    });
    store.attempts.add({
      deliverySeq: seq,
      kind: "backfill",
      target: r.target,
      attempt: 1,
      startedAt: r.sentAt,
      durationMs: r.durationMs,
      status: r.status,
      error: r.error,
      response: r.response === null ? null : Buffer.from(r.response),
      slow: r.slow,
    });
    return { seq, id: r.id };
  });
  return run();
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}
