import type { Dispatcher } from "undici";
import { describeError } from "../errors.js";
import type { EventBus } from "../events.js";
import { ForwardAttempts, INTERRUPTED_ERROR } from "../store/forward-attempts.js";
import type { Store } from "../store/store.js";
import { type AttemptRef, attemptOutcome, decide, parkedOutcome, retryDelayMs } from "./decide.js";
import { type ForwardAuth, forwardHeaders } from "./headers.js";
import { TargetHealth } from "./health.js";
import { ParkedDeliveries } from "./parked.js";
import { ForwardProgress, type FreshDelivery, type Payload } from "./progress.js";
import type { RoutingTable } from "./routes.js";
import { answerHeaders, SendGroup, type SendResult, sendOnce } from "./send.js";
import { Slots, TargetQueues } from "./target-queues.js";
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
 * Every attempt is a row, committed before its request goes out (a crash mid-send leaves it
 * unanswered: the resend is the next attempt); a delivery's state moves pending →
 * forwarded | failed. A target
 * counts as down after a few network failures in a row (see TargetHealth); while it is down
 * its deliveries wait (parked, no attempt made) and go out when the health probe sees it back.
 */
export class Forwarder {
  private readonly queues: TargetQueues<Job>;
  /** Requests in flight per target (`concurrencyPerTarget`). */
  private readonly slots: Slots;
  private readonly parked: ParkedDeliveries;
  private readonly inFlightSends = new SendGroup();
  private aborted = false;
  private readonly health: TargetHealth;
  private readonly progress: ForwardProgress;
  private readonly writes: WriteQueue;
  private readonly attempts: ForwardAttempts;
  private stopping = false;

  constructor(private readonly o: ForwarderOptions) {
    this.progress = new ForwardProgress(o.store, o.routes);
    const limit = o.concurrencyPerTarget ?? 8;
    this.slots = new Slots(limit);
    this.queues = new TargetQueues<Job>({
      // as many again have their attempt rows committed, ready for the next free slot
      limit: 2 * limit,
      run: (job) => this.runSafely(job),
      // a retry whose backoff ran out goes first: its wait was the backoff, not the backoff
      // plus the queue ahead of it
      due: (job) => this.push(job, true),
    });
    this.attempts = new ForwardAttempts(o.store);
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
    this.parked = new ParkedDeliveries((target, waiting) =>
      this.health.setWaiting(target, waiting),
    );
  }

  /** Probe targets and queue every delivery left pending by an earlier run. Returns how many. */
  start(): number {
    this.health.start();
    this.attempts.markInterrupted();
    const pending = this.o.store.deliveries.pendingForward();
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

  /** Queue a job for its target, or park it while the target is down. */
  private push(job: Job, first = false): void {
    if (this.health.isDown(job.target)) this.park(job);
    else this.queues.add(job, first);
  }

  /** Hold a job until its target answers a probe; `announce: false` when an outcome said so. */
  private park(job: Job, announce = true): void {
    if (!this.parked.add(job.target, job.seq) || !announce) return;
    const deliveryId = this.o.store.deliveries.bySeq(job.seq)?.id ?? "";
    const outcome = parkedOutcome({ seq: job.seq, deliveryId, target: job.target });
    this.o.bus.emit({ type: "forward", outcome });
  }

  private unpark(target: string): void {
    for (const seq of this.parked.take(target)) this.push({ seq, target, retry: 0 });
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
      this.queues.later(
        { ...job, pauses: pauses + 1 },
        retryDelayMs(pauses + 1, this.o.retryBaseMs ?? 500),
      );
    }
  }

  /** One attempt; a retryable failure schedules the next one and gives the slot back. */
  private async attempt(job: Job): Promise<void> {
    const d = this.progress.payload(job.seq);
    if (!d) return;
    if (this.health.isDown(job.target)) return this.park(job);
    const attempt = this.progress.nextAttempt(job.seq, job.target);
    // Committed before the request leaves: a crash mid-send leaves this row without an
    // answer, so the resend after a restart is the next attempt, not this one again. Rows
    // are committed for up to `concurrencyPerTarget` attempts ahead of the sends, so a send
    // slot that frees up is used at once instead of after the next commit.
    const row = { deliverySeq: job.seq, target: job.target, attempt, startedAt: Date.now() };
    const id = await this.writes.committed(() => this.attempts.start(row));
    await this.slots.acquire(job.target);
    try {
      if (this.aborted || this.health.isDown(job.target)) {
        // never sent: forget the row (the delivery stays pending, or waits for the target)
        this.writes.add(() => this.attempts.drop(id));
        this.progress.unreserve(job.seq, job.target);
        if (!this.stopping) this.park(job);
        return;
      }
      const startedAt = Date.now();
      const res = await this.send(job, d, attempt);
      if (this.aborted && res.status === null) {
        // shutdown cut it: the delivery stays pending, the next listen sends the next attempt
        const cut = {
          ...res,
          responseHeaders: null,
          startedAt,
          error: INTERRUPTED_ERROR,
          slow: false,
        };
        return this.writes.add(() => this.attempts.finish(id, cut));
      }
      this.answered(job, { id, attempt, startedAt, deliveryId: d.id }, res);
    } finally {
      this.slots.release(job.target);
    }
  }

  private send(job: Job, d: Payload, attempt: number): Promise<SendResult> {
    return sendOnce({
      url: job.target,
      headers: forwardHeaders(d.headers, this.o.auth, {
        deliveryId: d.id,
        attempt,
        replay: false,
        receivedAt: d.receivedAt,
      }),
      body: d.body,
      timeoutMs: this.o.timeoutMs,
      dispatcher: this.o.dispatcher,
      group: this.inFlightSends,
    });
  }

  /** Record what the target did with an attempt and take the next step decide() names. */
  private answered(
    job: Job,
    a: { id: number; startedAt: number } & Pick<AttemptRef, "attempt" | "deliveryId">,
    res: SendResult,
  ): void {
    const step = decide({
      status: res.status,
      network: res.network,
      retry: job.retry,
      retries: this.o.retries,
      targetDown: this.updateHealth(job, res),
      retryBaseMs: this.o.retryBaseMs ?? 500,
    });
    const ref = { seq: job.seq, deliveryId: a.deliveryId, target: job.target, attempt: a.attempt };
    const outcome = attemptOutcome(ref, res, step);
    this.writes.add(
      () =>
        this.attempts.finish(a.id, {
          ...res,
          responseHeaders: res.status === null ? null : answerHeaders(res.responseHeaders),
          startedAt: a.startedAt,
          slow: outcome.slow,
        }),
      () => this.o.bus.emit({ type: "forward", outcome }),
    );
    if (step.next === "parked") this.park(job, false);
    else if (step.next === "retry") {
      // while stopping, nothing is scheduled: the delivery stays pending
      this.queues.later(
        { seq: job.seq, target: job.target, retry: job.retry + 1 },
        step.retryInMs ?? 0,
      );
    } else {
      this.progress.finish(job.seq, job.target, step.next === "forwarded" ? undefined : res);
      this.settle(job.seq, res);
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

  /** Record the delivery's forward state once no target has work left (see ForwardProgress.outcome). */
  private settle(seq: number, last: SendResult | null): void {
    const state = this.progress.outcome(seq, last);
    if (state) this.writes.add(() => this.o.store.deliveries.setForward(seq, state));
    this.progress.forgetIfDone(seq);
  }

  /** Deliveries waiting for a target to come back. */
  parkedCount(): number {
    return this.parked.count();
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
    const all = this.queues.close();
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
