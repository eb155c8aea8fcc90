import type { Dispatcher } from "undici";
import { describeError } from "../errors.js";
import type { EventBus, ForwardOutcome } from "../events.js";
import type { Store } from "../store/store.js";
import { backoffMs } from "./backoff.js";
import { type ForwardAuth, forwardHeaders } from "./headers.js";
import { TargetHealth } from "./health.js";
import { ForwardProgress, type FreshDelivery } from "./progress.js";
import type { RoutingTable } from "./routes.js";
import { OKTA_TIMEOUT_MS, SendGroup, type SendResult, sendOnce } from "./send.js";
import { WriteQueue } from "./write-queue.js";

/** Forwarder settings (cli.md: --forward-timeout, --retries, --forward-auth). */
export interface ForwarderOptions {
  store: Store;
  routes: RoutingTable;
  auth: ForwardAuth;
  bus: EventBus;
  timeoutMs: number;
  retries: number;
  retryBaseMs?: number;
  healthIntervalMs?: number;
  concurrencyPerTarget?: number;
  dispatcher?: Dispatcher;
}

interface Job {
  seq: number;
  target: string;
  /** Retries already made (0: first attempt); compared with `retries`. */
  retry: number;
  /** Storage errors in a row for this job; sets its pause before the next try. */
  pauses?: number;
}

/**
 * Forwards stored deliveries to their targets, asynchronously and never in the ack path.
 * Every attempt is a row; a delivery's state moves pending → forwarded | failed. A target
 * counts as down after a few network failures in a row (see TargetHealth); while it is down
 * its deliveries wait (parked, no attempt made) and go out when the health probe sees it back.
 */
export class Forwarder {
  private readonly queues = new Map<string, Job[]>();
  private readonly active = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Retries waiting out their backoff; they hold no concurrency slot meanwhile. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly parked = new Map<string, Set<number>>();
  private readonly inFlightSends = new SendGroup();
  private aborted = false;
  private readonly health: TargetHealth;
  private readonly progress: ForwardProgress;
  private readonly writes: WriteQueue;
  private stopping = false;

  constructor(private readonly o: ForwarderOptions) {
    this.progress = new ForwardProgress(o.store, o.routes);
    this.writes = new WriteQueue(o.store, (err) =>
      o.bus.emit({
        type: "warning",
        message: `could not record a forward attempt: ${err instanceof Error ? err.message : String(err)}; trying again`,
      }),
    );
    this.health = new TargetHealth({
      targets: o.routes.targets(),
      intervalMs: o.healthIntervalMs ?? 15_000,
      probeTimeoutMs: o.timeoutMs,
      dispatcher: o.dispatcher,
      onChange: (target, up, reason) => {
        o.bus.emit({ type: "target", target, health: up ? "up" : "down", reason });
        if (up) this.unpark(target);
      },
    });
  }

  /** Probe targets and queue every delivery left pending by an earlier run. Returns how many. */
  start(): number {
    this.health.start();
    const pending = this.o.store.pendingForward();
    for (const seq of pending) this.enqueue(seq);
    return pending.length;
  }

  /** Current health of each target. */
  targetHealth(): Map<string, "up" | "down" | "unknown"> {
    return this.health.snapshot();
  }

  /**
   * Queue a stored delivery for each target its events route to and it has not reached yet.
   * `fresh` marks a delivery this process just stored (nothing to look up: no attempts yet).
   */
  enqueue(seq: number, fresh?: FreshDelivery): void {
    if (this.stopping) return;
    const state = this.progress.get(seq, fresh);
    for (const target of state.targets) {
      if (!state.ok.has(target)) this.push({ seq, target, retry: 0 });
    }
    if (!fresh && this.progress.allOk(seq)) this.settle(seq, null);
  }

  /**
   * Queue a job for its target, or park it while the target is down. A retry whose backoff
   * ran out goes first: its wait was the backoff, not the backoff plus the queue ahead of it.
   */
  private push(job: Job, first = false): void {
    if (this.health.isDown(job.target)) {
      this.park(job);
      return;
    }
    const q = this.queues.get(job.target) ?? [];
    this.queues.set(job.target, q);
    if (first) q.unshift(job);
    else q.push(job);
    this.pump(job.target);
  }

  /** Queue a job again after `ms`, holding no slot meanwhile; stop() cancels it (the delivery stays pending). */
  private later(job: Job, ms: number): void {
    if (this.stopping) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.push(job, true);
    }, ms);
    t.unref(); // the listener's server keeps the process alive; a pending retry alone must not
    this.timers.add(t);
  }

  /** Hold a job until its target answers a probe; `announce: false` when an outcome said so. */
  private park(job: Job, announce = true): void {
    let set = this.parked.get(job.target);
    if (!set) {
      set = new Set<number>();
      this.parked.set(job.target, set);
      this.health.setWaiting(job.target, true);
    }
    if (set.has(job.seq)) return;
    set.add(job.seq);
    if (!announce) return;
    const d = this.o.store.bySeq(job.seq);
    this.o.bus.emit({
      type: "forward",
      outcome: {
        seq: job.seq,
        deliveryId: d?.id ?? "",
        target: job.target,
        attempt: 0,
        status: null,
        error: "target down",
        durationMs: 0,
        slow: false,
        next: "parked",
      },
    });
  }

  private unpark(target: string): void {
    const set = this.parked.get(target);
    if (!set) return;
    this.parked.delete(target);
    this.health.setWaiting(target, false);
    for (const seq of set) this.push({ seq, target, retry: 0 });
  }

  private pump(target: string): void {
    const limit = this.o.concurrencyPerTarget ?? 8;
    const q = this.queues.get(target);
    while (!this.stopping && q?.length && (this.active.get(target) ?? 0) < limit) {
      const job = q.shift()!;
      this.active.set(target, (this.active.get(target) ?? 0) + 1);
      const p = this.runSafely(job).finally(() => {
        this.inFlight.delete(p);
        this.active.set(target, (this.active.get(target) ?? 1) - 1);
        this.pump(target);
      });
      this.inFlight.add(p);
    }
  }

  /**
   * A storage error (the DB locked by another process past the busy timeout) must not become
   * an unhandled rejection that kills the listener: report it, keep the delivery pending and
   * try it again after a pause.
   */
  private async runSafely(job: Job): Promise<void> {
    try {
      await this.attempt(job);
    } catch (err) {
      this.o.bus.emit({
        type: "warning",
        message: `forwarding delivery #${job.seq} paused: ${describeError(err)}; trying again`,
      });
      const pauses = job.pauses ?? 0;
      this.later({ ...job, pauses: pauses + 1 }, backoffMs(pauses, this.o.retryBaseMs ?? 500));
    }
  }

  /** One attempt; a retryable failure schedules the next one and gives the slot back. */
  private async attempt(job: Job): Promise<void> {
    const { store } = this.o;
    const d = this.progress.payload(job.seq);
    if (!d) return;
    if (this.health.isDown(job.target)) {
      this.park(job);
      return;
    }
    const attemptNo = this.progress.nextAttempt(job.seq, job.target);
    const startedAt = Date.now();
    const res = await sendOnce({
      url: job.target,
      headers: forwardHeaders(d.headers, this.o.auth, {
        deliveryId: d.id,
        attempt: attemptNo,
        replay: false,
        receivedAt: d.receivedAt,
      }),
      body: d.body,
      timeoutMs: this.o.timeoutMs,
      dispatcher: this.o.dispatcher,
      group: this.inFlightSends,
    });
    if (this.aborted && res.status === null) return; // shutdown: stays pending
    const ok = res.status !== null && res.status >= 200 && res.status < 300;
    const retryable = !ok && (res.network || (res.status !== null && res.status >= 500));
    const down = this.updateHealth(job, res);
    // while stopping, later() schedules nothing: a failure with retries left stays pending.
    // Once the target is down a retry would only hammer a closed port: wait for the probe.
    const more = retryable && job.retry < this.o.retries && !down;
    // A network error with the target down: the app is not there. The delivery waits for it
    // (parked, and still `pending` in the database so the next listen forwards it too)
    // instead of counting as failed; a 5xx is the app's answer and does count.
    const parks = !ok && !more && res.network;
    const retryInMs = more ? backoffMs(job.retry, this.o.retryBaseMs ?? 500) : undefined;
    const outcome = this.outcome(
      job,
      d.id,
      attemptNo,
      res,
      ok ? "forwarded" : more ? "retry" : parks ? "parked" : "failed",
    );
    if (retryInMs !== undefined) outcome.retryInMs = retryInMs;
    this.writes.add(
      () => store.addAttempt({ ...attemptRow(job, attemptNo, startedAt, res), slow: outcome.slow }),
      () => this.o.bus.emit({ type: "forward", outcome }),
    );
    if (parks) this.park(job, false);
    else if (!more) {
      this.progress.finish(job.seq, job.target, ok ? undefined : res);
      this.settle(job.seq, res);
    }
    if (retryInMs !== undefined) {
      this.later({ seq: job.seq, target: job.target, retry: job.retry + 1 }, retryInMs);
    }
  }

  /**
   * Count the attempt towards its target's health; returns whether the target is now down. A
   * delivery out of retries on a network error parks, so its target must be down (a probe
   * coming) even when other deliveries' answers broke the run of failures.
   */
  private updateHealth(job: Job, res: SendResult): boolean {
    if (!res.network) {
      this.health.markUp(job.target);
      return false;
    }
    const reason = res.error ?? "unreachable";
    this.health.networkFailure(job.target, reason);
    if (job.retry >= this.o.retries) this.health.markDown(job.target, reason);
    return this.health.isDown(job.target);
  }

  private outcome(
    job: Job,
    deliveryId: string,
    attempt: number,
    res: SendResult,
    next: ForwardOutcome["next"],
  ): ForwardOutcome {
    return {
      seq: job.seq,
      deliveryId,
      target: job.target,
      attempt,
      status: res.status,
      error: res.error,
      durationMs: res.durationMs,
      slow: res.durationMs > OKTA_TIMEOUT_MS,
      next,
    };
  }

  /**
   * Update a delivery's forward state once no target has work left: forwarded when every
   * target took it, failed when one spent its retries. While another target still has
   * attempts to come it stays pending, so a restart resumes that target.
   */
  private settle(seq: number, last: SendResult | null): void {
    const { store } = this.o;
    if (this.progress.allOk(seq)) {
      const status = last?.status ?? 200;
      const ms = last?.durationMs ?? null;
      this.writes.add(() => store.setForward(seq, { state: "forwarded", status, ms }));
    } else if (this.progress.allFinished(seq)) {
      const failure = this.progress.failure(seq);
      if (failure) {
        const { status, durationMs: ms, error } = failure;
        this.writes.add(() => store.setForward(seq, { state: "failed", status, ms, error }));
      }
    }
    this.progress.forgetIfDone(seq);
  }

  /** Deliveries waiting for a target to come back. */
  parkedCount(): number {
    let n = 0;
    for (const s of this.parked.values()) n += s.size;
    return n;
  }

  /**
   * Stop: take no new work, let in-flight attempts finish for up to `graceMs`, then abort the
   * rest. Unfinished deliveries stay `pending` and are forwarded by the next `listen`.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.health.stop();
    // a scheduled retry has its attempts recorded but no final state: its delivery stays
    // pending and the next listen resumes it
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const all = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([all, grace]);
    clearTimeout(timer);
    this.aborted = true;
    this.inFlightSends.abortAll(new Error("okhook is stopping"));
    await all;
    this.writes.flush();
  }
}

function attemptRow(job: Job, attempt: number, startedAt: number, res: SendResult) {
  return {
    deliverySeq: job.seq,
    kind: "forward" as const,
    target: job.target,
    attempt,
    startedAt,
    durationMs: res.durationMs,
    status: res.status,
    error: res.error,
    response: res.response,
  };
}
