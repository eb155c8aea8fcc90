import type { Store } from "../store/store.js";
import type { DeliveryPayload } from "../store/types.js";
import type { RoutingTable } from "./routes.js";

/** Bodies of just-stored deliveries held in memory up to this total; beyond, attempts read the store. */
export const MAX_PAYLOAD_BYTES_IN_MEMORY = 16 * 1024 * 1024;

/** What a forward sends: the stored request. */
export type Payload = DeliveryPayload;

/** A target's last answer (or error) when its retries are spent. */
export interface FinalFailure {
  status: number | null;
  durationMs: number;
  error: string | null;
}

/** A delivery this process just stored: its event types (to route) and, optionally, its payload. */
export interface FreshDelivery {
  eventTypes: (string | null)[];
  payload?: Payload;
}

/** What the forwarder knows about one delivery while it has work for it. */
interface SeqState {
  targets: string[];
  /** Targets that answered 2xx. */
  ok: Set<string>;
  /** Targets with no more attempts coming (2xx, or retries exhausted). */
  finished: Set<string>;
  /** Attempt numbers used so far, per target. */
  attempts: Map<string, number>;
  /** The last final failure (retries spent) of any target: what a `failed` state reports. */
  failure?: FinalFailure;
  /** The stored request, kept for a fresh delivery so its forward need not read it back. */
  payload?: Payload;
}

/**
 * Per-delivery forwarding progress kept in memory, so a forward costs one read (the payload)
 * instead of re-deriving targets and attempt numbers from the database at every step. A
 * delivery stored by this process starts empty; one left by an earlier run is loaded once.
 */
export class ForwardProgress {
  private readonly states = new Map<number, SeqState>();
  private payloadBytes = 0;

  constructor(
    private readonly store: Store,
    private readonly routes: RoutingTable,
  ) {}

  /** The state of a delivery; `fresh` marks one just stored (no attempts can exist yet). */
  get(seq: number, fresh?: FreshDelivery): SeqState {
    let s = this.states.get(seq);
    if (s) return s;
    if (fresh) {
      s = this.fresh(this.routes.targetsFor(fresh.eventTypes));
      const size = fresh.payload?.body?.length ?? 0;
      if (fresh.payload && this.payloadBytes + size <= MAX_PAYLOAD_BYTES_IN_MEMORY) {
        s.payload = fresh.payload;
        this.payloadBytes += size;
      }
    } else s = this.load(seq);
    this.states.set(seq, s);
    return s;
  }

  /** The request to send: held in memory for a fresh delivery, else read from the store. */
  payload(seq: number): Payload | undefined {
    return this.states.get(seq)?.payload ?? this.store.deliveries.payload(seq);
  }

  private fresh(targets: string[]): SeqState {
    return { targets, ok: new Set(), finished: new Set(), attempts: new Map() };
  }

  private load(seq: number): SeqState {
    const s = this.fresh(
      this.routes.targetsFor(this.store.deliveries.events(seq).map((e) => e.eventType)),
    );
    for (const t of s.targets) {
      if (this.store.attempts.forwardedTo(seq, t)) {
        s.ok.add(t);
        s.finished.add(t);
      }
      s.attempts.set(t, this.store.attempts.lastNo(seq, t));
    }
    return s;
  }

  /** Reserve the next attempt number for a target. */
  nextAttempt(seq: number, target: string): number {
    const s = this.get(seq);
    const n = (s.attempts.get(target) ?? 0) + 1;
    s.attempts.set(target, n);
    return n;
  }

  /** Give back the attempt number nextAttempt() just reserved (the attempt was not made). */
  unreserve(seq: number, target: string): void {
    const s = this.get(seq);
    s.attempts.set(target, (s.attempts.get(target) ?? 1) - 1);
  }

  /** Record a target's final outcome for this delivery (2xx, or `failure` once retries are spent). */
  finish(seq: number, target: string, failure?: FinalFailure): void {
    const s = this.get(seq);
    if (failure) s.failure = failure;
    else s.ok.add(target);
    s.finished.add(target);
  }

  /** True once no target has work left (every one answered 2xx or spent its retries). */
  allFinished(seq: number): boolean {
    const s = this.get(seq);
    return s.finished.size >= s.targets.length;
  }

  /** The last final failure of any target, if one failed. */
  failure(seq: number): FinalFailure | undefined {
    return this.states.get(seq)?.failure;
  }

  /** True once every target answered 2xx. */
  allOk(seq: number): boolean {
    const s = this.get(seq);
    return s.targets.length > 0 && s.ok.size === s.targets.length;
  }

  /**
   * A delivery's forward state once no target has work left: forwarded when every target
   * took it, failed when one spent its retries; null while another target still has
   * attempts to come (it stays pending, so a restart resumes that target).
   */
  outcome(seq: number, last: Pick<FinalFailure, "status" | "durationMs"> | null) {
    if (this.allOk(seq)) {
      const state = "forwarded" as const;
      return { state, status: last?.status ?? 200, ms: last?.durationMs ?? null };
    }
    const failure = this.allFinished(seq) ? this.failure(seq) : undefined;
    if (!failure) return null;
    const { status, durationMs: ms, error } = failure;
    return { state: "failed" as const, status, ms, error };
  }

  /** Drop a delivery with nothing left to do (a later enqueue reloads it from the store). */
  forgetIfDone(seq: number): void {
    const s = this.states.get(seq);
    if (!s || s.finished.size < s.targets.length) return;
    if (s.payload) this.payloadBytes -= s.payload.body?.length ?? 0;
    this.states.delete(seq);
  }
}
