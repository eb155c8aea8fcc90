import type { Dispatcher } from "undici";
import type { ForwardAuth } from "../forward/headers.js";
import { forwardHeaders } from "../forward/headers.js";
import type { RoutingTable } from "../forward/routes.js";
import { OKTA_TIMEOUT_MS, sendOnce } from "../forward/send.js";
import { curlCommand } from "../output/curl.js";
import type { Store } from "../store/store.js";
import type { ReplayOutcome, UiActions } from "../ui/types.js";

/** How the UI's replay sends (the same knobs as forwarding). */
export interface ReplayOptions {
  store: Store;
  auth: ForwardAuth;
  timeoutMs: number;
  /** listen's routing table; without it a replay goes to the delivery's last forward target. */
  routes?: RoutingTable;
  dispatcher?: Dispatcher;
}

/** Where a UI replay goes: the delivery's route (listen), else the target it was last forwarded to. */
export function replayTarget(o: ReplayOptions, seq: number): string | null {
  if (o.routes && !o.routes.empty) {
    const t = o.routes.targetsFor(o.store.events(seq).map((e) => e.eventType))[0];
    if (t) return t;
  }
  return o.store.attempts(seq).at(-1)?.target ?? null;
}

/**
 * Re-send one stored delivery to its target and record a `replay` attempt.
 * STOPGAP until src/replay/ exists: swap this one function for the replay core
 * (same headers: x-okhook-replay: true, x-okhook-replay-of, auth re-added from the secret).
 */
export async function replayDelivery(o: ReplayOptions, seq: number): Promise<ReplayOutcome> {
  const d = o.store.bySeq(seq);
  const target = d ? replayTarget(o, seq) : null;
  if (!d || !target) {
    const error = d ? "no forward target known (start listen with --forward-to)" : "not found";
    return { ok: false, target: null, status: null, error, durationMs: 0 };
  }
  const attempt = o.store.lastAttemptNo(seq, target) + 1;
  const startedAt = Date.now();
  const res = await sendOnce({
    url: target,
    headers: forwardHeaders(d.headers, o.auth, {
      deliveryId: d.id,
      attempt,
      replay: true,
      replayOf: d.id,
      receivedAt: d.receivedAt,
    }),
    body: o.store.body(seq),
    timeoutMs: o.timeoutMs,
    dispatcher: o.dispatcher,
  });
  const ok = res.status !== null && res.status >= 200 && res.status < 300;
  if (o.store.db.open)
    o.store.addAttempt({
      deliverySeq: seq,
      kind: "replay",
      target,
      attempt,
      startedAt,
      durationMs: res.durationMs,
      status: res.status,
      error: res.error,
      response: res.response,
      slow: res.durationMs > OKTA_TIMEOUT_MS,
    });
  return { ok, target, status: res.status, error: res.error, durationMs: res.durationMs, attempt };
}

/** UI actions plus a way for the command to wait for replays still in flight. */
export interface TuiActions extends UiActions {
  /** Resolves once no replay is running (shutdown waits for it before closing the DB). */
  idle(): Promise<void>;
}

/** The actions the UI gets from listen / ui. */
export function createTuiActions(
  o: ReplayOptions & { curlUrl: () => string; authHeader: string; quit: () => void },
): TuiActions {
  const running = new Set<Promise<unknown>>();
  return {
    replay: (seq) => {
      const p = replayDelivery(o, seq);
      running.add(p);
      void p.finally(() => running.delete(p)).catch(() => undefined);
      return p;
    },
    curl: (seq) => {
      const d = o.store.bySeq(seq);
      if (!d) throw new Error("delivery not found");
      return curlCommand({
        url: o.curlUrl(),
        method: d.method,
        headers: d.headers,
        body: o.store.body(seq),
        authHeader: o.authHeader,
      });
    },
    quit: o.quit,
    idle: async () => {
      await Promise.allSettled([...running]);
    },
  };
}
