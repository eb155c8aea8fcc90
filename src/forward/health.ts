import type { Dispatcher } from "undici";
import { backoffMs } from "../backoff.js";
import { sendOnce } from "./send.js";

/**
 * A probe waits as long as a forward would (`--forward-timeout`, 10 s by default) for an
 * answer: an app that answers in 3.5 s is slow, not down (its forwards go out and are flagged).
 */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;
/**
 * Network failures (refused, reset, timeout) in a row on one target, across deliveries, after
 * which it counts as down: deliveries then wait for a probe instead of spending their retries
 * on a closed port. Any HTTP answer breaks the run.
 */
export const DOWN_AFTER_NETWORK_FAILURES = 3;
/**
 * First probe of a target that went down. While deliveries wait for it, a down target is
 * probed this often, so a restarted app gets them within a second or two; with nothing
 * waiting the probes back off 1 s, 2 s, 4 s… up to the health interval.
 */
export const FIRST_PROBE_DELAY_MS = 1000;

/** What sets the wait before a down target's next probe. */
export interface ProbePace {
  /** Deliveries are waiting for the target. */
  waiting: boolean;
  /** Probes scheduled since a forward last got an answer. */
  rounds: number;
  /** Times a probe saw the target up and forwards found it down again, none answered between. */
  falseUps: number;
  firstMs: number;
  intervalMs: number;
}

/**
 * The wait before the next probe: the first delay while deliveries wait (doubled for each
 * probe that said up when forwards still failed, e.g. an app that answers HEAD but resets
 * every POST, so it is not flipped up and down every second), else doubling per probe;
 * never more than the interval.
 */
export function probeDelayMs(p: ProbePace): number {
  const doublings = p.waiting ? p.falseUps : p.rounds;
  return backoffMs({
    attempt: doublings + 1,
    baseMs: p.firstMs,
    maxMs: p.intervalMs,
    jitter: false,
  });
}

/** Starts a timer (tests pass one that records the delays asked for). */
export type ProbeTimer = (fn: () => void, ms: number) => NodeJS.Timeout;

/** Health tracking settings. */
export interface HealthOptions {
  targets: string[];
  /** Longest wait between probes while a target is down (`--health-interval`). */
  intervalMs: number;
  /** How long a probe waits for an answer: the forward timeout. */
  probeTimeoutMs?: number;
  /** Wait before the first probe of a down target; defaults to FIRST_PROBE_DELAY_MS. */
  firstProbeMs?: number;
  dispatcher?: Dispatcher;
  setTimer?: ProbeTimer;
  onChange: (target: string, up: boolean, reason?: string) => void;
}

/**
 * Target health: probed at start, and while down every second while deliveries wait for it
 * (else 1 s, 2 s, 4 s… up to `intervalMs`). Any HTTP answer means up (a 404 from HEAD still
 * proves the app listens), however slow, as long as it comes within the forward timeout;
 * refused, reset, or no answer within the forward timeout (a hung app, e.g. paused in a
 * debugger) means down, for a probe at once and for forwards after
 * DOWN_AFTER_NETWORK_FAILURES in a row.
 */
export class TargetHealth {
  private readonly state = new Map<string, "up" | "down" | "unknown">();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  /** Network failures in a row per target. */
  private readonly failures = new Map<string, number>();
  /** Probes scheduled since a forward last got an answer: the backoff with nothing waiting. */
  private readonly rounds = new Map<string, number>();
  /** See ProbePace.falseUps. */
  private readonly falseUps = new Map<string, number>();
  /** Up because a probe answered, no forward answered since: a down now was a false up. */
  private readonly probedUp = new Set<string>();
  /** Targets deliveries wait for. */
  private readonly waiting = new Set<string>();
  /** When each target's last probe ended. */
  private readonly lastProbe = new Map<string, number>();
  private readonly probing = new Set<string>();
  private stopped = false;

  constructor(private readonly o: HealthOptions) {
    for (const t of o.targets) this.state.set(t, "unknown");
  }

  /** Probe every target once, in the background. */
  start(): void {
    for (const t of this.o.targets) void this.probe(t);
  }

  isDown(target: string): boolean {
    return this.state.get(target) === "down";
  }

  snapshot(): Map<string, "up" | "down" | "unknown"> {
    return new Map(this.state);
  }

  /** A forward got an HTTP answer: the target is up, the failures and the probe backoff are over. */
  markUp(target: string): void {
    if (this.failures.get(target)) this.failures.set(target, 0);
    if (this.probedUp.size) this.probedUp.delete(target);
    if (this.rounds.size) this.rounds.delete(target);
    if (this.falseUps.size) this.falseUps.delete(target);
    this.set(target, "up");
  }

  /** A forward could not reach the target; the last of DOWN_AFTER_NETWORK_FAILURES in a row marks it down. */
  networkFailure(target: string, reason: string): void {
    const n = (this.failures.get(target) ?? 0) + 1;
    this.failures.set(target, n);
    if (n >= DOWN_AFTER_NETWORK_FAILURES) this.markDown(target, reason);
  }

  /** The target is down until a probe answers. */
  markDown(target: string, reason: string): void {
    if (this.probedUp.delete(target))
      this.falseUps.set(target, (this.falseUps.get(target) ?? 0) + 1);
    this.set(target, "down", reason);
  }

  /**
   * Whether deliveries wait for the target. When the first one starts waiting, a down
   * target is probed within the first delay of its last probe (at once after a quiet spell):
   * a delivery never waits out a long backoff for an app that may be back.
   */
  setWaiting(target: string, waiting: boolean): void {
    if (!waiting) {
      this.waiting.delete(target);
      return;
    }
    if (this.waiting.has(target)) return;
    this.waiting.add(target);
    if (!this.isDown(target) || this.probing.has(target) || this.stopped) return;
    const last = this.lastProbe.get(target);
    const ms =
      last === undefined ? 0 : Math.max(0, this.delay(target) - (performance.now() - last));
    const t = this.timers.get(target);
    if (t && t.due <= performance.now() + ms) return;
    this.clear(target);
    this.arm(target, ms);
  }

  private set(target: string, next: "up" | "down", reason?: string): void {
    const prev = this.state.get(target);
    if (prev === next) return;
    this.state.set(target, next);
    if (next === "down") this.schedule(target);
    else {
      this.clear(target);
      this.failures.set(target, 0);
    }
    this.o.onChange(target, next === "up", reason);
  }

  private delay(target: string): number {
    return probeDelayMs({
      waiting: this.waiting.has(target),
      rounds: this.rounds.get(target) ?? 0,
      falseUps: this.falseUps.get(target) ?? 0,
      firstMs: this.o.firstProbeMs ?? FIRST_PROBE_DELAY_MS,
      intervalMs: this.o.intervalMs,
    });
  }

  /** The next probe, as probeDelayMs says. */
  private schedule(target: string): void {
    if (this.stopped || this.timers.has(target) || this.probing.has(target)) return;
    const ms = this.delay(target);
    this.rounds.set(target, Math.min((this.rounds.get(target) ?? 0) + 1, 30));
    this.arm(target, ms);
  }

  private arm(target: string, ms: number): void {
    const timer = (this.o.setTimer ?? setTimeout)(() => {
      this.timers.delete(target);
      void this.probe(target);
    }, ms);
    timer.unref();
    this.timers.set(target, { timer, due: performance.now() + ms });
  }

  private clear(target: string): void {
    const t = this.timers.get(target);
    if (t) clearTimeout(t.timer);
    this.timers.delete(target);
  }

  private async probe(target: string): Promise<void> {
    if (this.stopped || this.probing.has(target)) return;
    this.probing.add(target);
    const res = await sendOnce({
      url: target,
      method: "HEAD",
      headers: { "user-agent": "okhook health probe" },
      timeoutMs: this.o.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      dispatcher: this.o.dispatcher,
    });
    this.probing.delete(target);
    this.lastProbe.set(target, performance.now());
    if (this.stopped) return;
    if (res.status === null) {
      this.set(target, "down", res.error ?? "unreachable");
      this.schedule(target);
    } else if (this.state.get(target) !== "up") {
      // HEAD answering proves the app listens, not that a forward will get through: the
      // probe backoff restarts only once a forward gets an answer (markUp)
      this.probedUp.add(target);
      this.set(target, "up");
    }
  }

  /** Stop probing. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
  }
}
