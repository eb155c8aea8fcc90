import { answerHeaders, sendOnce } from "../forward/send.js";
import { OKTA_HOOK_TIMEOUT_MS } from "../okta/hook-types.js";
import type { Store } from "../store/store.js";
import type { DeliveryRow } from "../store/types.js";
import { prepareReplay } from "./prepare.js";
import {
  type PreparedReplay,
  REPLAY_TIMEOUT_MS,
  type ReplayItem,
  type ReplayResult,
  type ReplaySendOptions,
} from "./types.js";

/** Stored as the error of an attempt cut short by Ctrl+C. */
export const INTERRUPTED_ERROR = "interrupted before the target answered";

/**
 * Replay one stored delivery (by `seq`, or one of its events): send it once and record the
 * attempt. Edited bytes are first stored as a new `replay` delivery linked to the original.
 * Throws UsageError when it cannot be prepared (unknown target, bad --set path); a target
 * that fails or cannot be reached is a result, not an exception. Used by the TUI's `r` key.
 */
export async function replayOne(
  store: Store,
  item: ReplayItem | number,
  o: ReplaySendOptions = {},
): Promise<ReplayResult> {
  const prepared = prepareReplay(store, typeof item === "number" ? { seq: item } : item, o);
  return sendPrepared(store, prepared, o);
}

/** Send a prepared replay once and record it: the attempt row, and the copy's forward state. */
export async function sendPrepared(
  store: Store,
  p: PreparedReplay,
  o: ReplaySendOptions = {},
): Promise<ReplayResult> {
  const { result, record } = await sendUnrecorded(store, p, o);
  record();
  return result;
}

/**
 * Send a prepared replay once; the writes that record it are handed back so a run can commit
 * many in one transaction. Edited bytes are stored (as the linked copy) before the send.
 */
export async function sendUnrecorded(
  store: Store,
  p: PreparedReplay,
  o: ReplaySendOptions = {},
): Promise<{ result: ReplayResult; record: () => void }> {
  const clock = o.clock ?? Date.now;
  const target = p.newId ? storeCopy(store, p, clock()) : p.original;
  const startedAt = clock();
  const res = await sendOnce({
    url: p.url,
    headers: p.headers,
    body: p.body,
    timeoutMs: o.timeoutMs ?? REPLAY_TIMEOUT_MS,
    dispatcher: o.dispatcher,
    // A run aborts its sends as a group: one listener on the signal, not one per send.
    ...(o.group ? { group: o.group } : { signal: o.signal }),
  });
  const interrupted = res.status === null && !!o.signal?.aborted;
  const error = interrupted ? INTERRUPTED_ERROR : res.error;
  const ok = res.status !== null && res.status >= 200 && res.status < 300;
  const slow = res.durationMs > OKTA_HOOK_TIMEOUT_MS;
  const record = () => {
    store.attempts.add({
      deliverySeq: target.seq,
      kind: "replay",
      target: p.url,
      attempt: p.attempt,
      startedAt,
      durationMs: res.durationMs,
      status: res.status,
      error,
      response: res.response,
      responseHeaders: res.status === null ? null : answerHeaders(res.responseHeaders),
      slow,
    });
    const summary = { status: res.status, ms: res.durationMs, error };
    if (p.newId)
      store.deliveries.setForward(target.seq, { state: ok ? "forwarded" : "failed", ...summary });
    else if (ok && p.targetSource === "forward-target" && p.original.forwardState === "failed") {
      // The app finally took it where the listener could not deliver it.
      store.deliveries.setForward(target.seq, { state: "forwarded", ...summary });
    }
  };
  const result: ReplayResult = {
    replayOf: p.original,
    deliverySeq: target.seq,
    deliveryId: target.id,
    edited: p.edited,
    eventUuid: p.eventUuid,
    // The original's own counts unless the bytes changed (its events are then not read).
    eventCount: p.edited ? p.events.length : p.original.eventCount,
    firstEventType: p.edited ? (p.events[0]?.eventType ?? null) : p.original.firstEventType,
    target: p.url,
    attempt: p.attempt,
    status: res.status,
    ok,
    network: res.network && !interrupted,
    interrupted,
    error,
    durationMs: res.durationMs,
    slow,
    startedAt,
  };
  return { result, record };
}

/** Store edited bytes as a new delivery of kind `replay` linked to the original. */
function storeCopy(store: Store, p: PreparedReplay, now: number): { seq: number; id: string } {
  const o = p.original;
  const [stored] = store.deliveries.insert([
    {
      id: p.newId!,
      receivedAt: now,
      method: p.method,
      path: o.path,
      remoteAddr: null,
      headers: o.headers,
      body: p.body,
      size: p.body.length,
      kind: "replay",
      // Nothing answered an HTTP request for this row: okhook wrote it.
      status: 0,
      auth: "none",
      events: p.events,
      envelopeEventId: p.envelopeEventId,
      // Not "pending": a listen starting meanwhile would forward it a second time.
      forwardState: "none",
      replayOf: o.id,
    },
  ]);
  return stored!;
}

/** A result for an item that could not be prepared (e.g. no target known): nothing was sent. */
export function unsentResult(d: DeliveryRow, error: string, now: number): ReplayResult {
  return {
    replayOf: d,
    deliverySeq: d.seq,
    deliveryId: d.id,
    edited: false,
    eventCount: d.eventCount,
    firstEventType: d.firstEventType,
    target: null,
    attempt: 0,
    status: null,
    ok: false,
    network: false,
    interrupted: false,
    error,
    durationMs: 0,
    slow: false,
    startedAt: now,
  };
}
