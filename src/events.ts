import type { DeliveryRecord } from "./store/types.js";

/** A delivery as announced to renderers once it is stored (its acknowledgement time known). */
export type DeliverySummary = Pick<
  DeliveryRecord,
  | "seq"
  | "id"
  | "receivedAt"
  | "method"
  | "path"
  | "kind"
  | "status"
  | "auth"
  | "eventCount"
  | "firstEventType"
  | "duplicateCount"
  | "size"
  | "reason"
  | "forwardState"
> & { ackMs: number };

/** One forward attempt's outcome. */
export interface ForwardOutcome {
  seq: number;
  deliveryId: string;
  target: string;
  attempt: number;
  status: number | null;
  error: string | null;
  durationMs: number;
  slow: boolean;
  /** What happens next: retry scheduled, or the delivery's final state for this target. */
  next: "retry" | "forwarded" | "failed" | "parked";
  /** With `next: "retry"`: when the retry goes out (backoff with jitter). */
  retryInMs?: number;
}

/** An inline hook request's outcome: what the app answered, what Okta got, what Okta does. */
export interface InlineSummary {
  seq: number;
  deliveryId: string;
  eventType: string;
  /** `token`, `registration`, … */
  inlineType: string;
  target: string | null;
  /** The app's status (null: no answer). */
  status: number | null;
  error: string | null;
  elapsedMs: number;
  /** What went back to Okta: the app's status, or okhook's 502/504. */
  replyStatus: number;
  fallback: string | null;
  applied: boolean;
  outcome: string;
  okta: string;
  /** How many findings (errors and warnings) the linter has; `okhook show` lists them. */
  problems: number;
}

/** Typed session events: SQLite is the source of truth, these only notify renderers. */
export type SessionEvent =
  | {
      type: "listening";
      localUrl: string;
      hookUrl: string;
      /** Local URL of inline hook requests. */
      inlineUrl?: string;
      db: string;
      resumed: number;
      /** An earlier listener on this DB that did not stop cleanly (killed); its claim was replaced. */
      tookOver?: { pid: number; startedAt: string; reason: string };
    }
  | { type: "delivery"; delivery: DeliverySummary }
  | { type: "forward"; outcome: ForwardOutcome }
  | { type: "inline"; exchange: InlineSummary }
  | { type: "target"; target: string; health: "up" | "down"; reason?: string }
  | {
      type: "tunnel";
      /** `reconnecting`: cloudflared runs but has no edge connection; the URL stays the same. */
      state: "starting" | "ready" | "reconnecting" | "failed" | "stopped" | "off";
      publicUrl?: string;
      hookUrl?: string;
      reason?: string;
      /** On `reconnecting`: how long the tunnel has had no edge connection. */
      downForMs?: number;
      /** On `failed`: listen stops (exit 4) instead of listening on locally. */
      fatal?: boolean;
    }
  | { type: "hook"; hookId: string; status: string; verificationStatus: string; detail?: string }
  /** An Okta inline hook okhook registered (`--register-inline`) or deactivated. */
  | { type: "inline-hook"; hookId: string; inlineType: string; status: string; detail: string }
  | { type: "warning"; message: string }
  | { type: "error"; message: string }
  | { type: "stopping"; reason: string }
  /** `pending`: deliveries stored but not forwarded yet; the next `listen` on the DB forwards them. */
  | { type: "stopped"; pending: number };

/** Listener for session events. */
export type SessionListener = (event: SessionEvent) => void;

/** Minimal typed event bus; a throwing listener never breaks the session. */
export class EventBus {
  private readonly listeners = new Set<SessionListener>();

  on(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // renderers must not take the listener down
      }
    }
  }
}
