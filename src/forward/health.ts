import type { Dispatcher } from "undici";
import { sendOnce } from "./send.js";

/** A probe gets this long to see any HTTP answer. */
export const PROBE_TIMEOUT_MS = 2000;

/** Health tracking settings. */
export interface HealthOptions {
  targets: string[];
  intervalMs: number;
  dispatcher?: Dispatcher;
  onChange: (target: string, up: boolean, reason?: string) => void;
}

/**
 * Target health: probed at start and every `intervalMs` while down. Any HTTP answer means
 * up (a 404 from HEAD still proves the app listens); refused, reset or silent means down.
 */
export class TargetHealth {
  private readonly state = new Map<string, "up" | "down" | "unknown">();
  private readonly timers = new Map<string, NodeJS.Timeout>();
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

  /** A forward reached the target: it is up. */
  markUp(target: string): void {
    this.set(target, "up");
  }

  /** A forward could not reach the target: down until a probe answers. */
  markDown(target: string, reason: string): void {
    this.set(target, "down", reason);
  }

  private set(target: string, next: "up" | "down", reason?: string): void {
    const prev = this.state.get(target);
    if (prev === next) return;
    this.state.set(target, next);
    if (next === "down") this.schedule(target);
    else this.clear(target);
    this.o.onChange(target, next === "up", reason);
  }

  private schedule(target: string): void {
    if (this.stopped || this.timers.has(target)) return;
    const t = setTimeout(() => {
      this.timers.delete(target);
      void this.probe(target);
    }, this.o.intervalMs);
    t.unref();
    this.timers.set(target, t);
  }

  private clear(target: string): void {
    const t = this.timers.get(target);
    if (t) clearTimeout(t);
    this.timers.delete(target);
  }

  private async probe(target: string): Promise<void> {
    if (this.stopped) return;
    const res = await sendOnce({
      url: target,
      method: "HEAD",
      headers: { "user-agent": "okhook health probe" },
      timeoutMs: PROBE_TIMEOUT_MS,
      dispatcher: this.o.dispatcher,
    });
    if (this.stopped) return;
    if (res.status !== null) this.set(target, "up");
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
