import type { Dispatcher } from "undici";
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
 * First probe of a target that went down; each next one waits twice as long, up to the
 * health interval. An app restarted within a couple of seconds gets its deliveries promptly.
 */
export const FIRST_PROBE_DELAY_MS = 1000;

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
 * Target health: probed at start, and while down after 1 s, 2 s, 4 s… up to `intervalMs`.
 * Any HTTP answer means up (a 404 from HEAD still proves the app listens), however slow, as
 * long as it comes within the forward timeout; refused, reset, or no answer within the
 * forward timeout (a hung app, e.g. paused in a debugger) means down, for a probe at once and
 * for forwards after DOWN_AFTER_NETWORK_FAILURES in a row.
 */
export class TargetHealth {
  private readonly state = new Map<string, "up" | "down" | "unknown">();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Network failures in a row per target. */
  private readonly failures = new Map<string, number>();
  /** Probes scheduled since the target last went down: sets the next wait. */
  private readonly rounds = new Map<string, number>();
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

  /** A forward got an HTTP answer: the target is up and the run of failures is over. */
  markUp(target: string): void {
    this.failures.set(target, 0);
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
    this.set(target, "down", reason);
  }

  private set(target: string, next: "up" | "down", reason?: string): void {
    const prev = this.state.get(target);
    if (prev === next) return;
    this.state.set(target, next);
    if (next === "down") this.schedule(target);
    else {
      this.clear(target);
      this.failures.set(target, 0);
      this.rounds.delete(target);
    }
    this.o.onChange(target, next === "up", reason);
  }

  /** The next probe: 1 s, 2 s, 4 s… after the previous one, capped at `intervalMs`. */
  private schedule(target: string): void {
    if (this.stopped || this.timers.has(target) || this.probing.has(target)) return;
    const round = this.rounds.get(target) ?? 0;
    this.rounds.set(target, Math.min(round + 1, 30));
    const ms = Math.min(
      this.o.intervalMs,
      (this.o.firstProbeMs ?? FIRST_PROBE_DELAY_MS) * 2 ** round,
    );
    const t = (this.o.setTimer ?? setTimeout)(() => {
      this.timers.delete(target);
      void this.probe(target);
    }, ms);
    t.unref();
    this.timers.set(target, t);
  }

  private clear(target: string): void {
    const t = this.timers.get(target);
    if (t) clearTimeout(t);
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
    if (this.stopped) return;
    if (res.status !== null) this.markUp(target);
    else {
      this.set(target, "down", res.error ?? "unreachable");
      this.schedule(target);
    }
  }

  /** Stop probing. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
