/** A unit of work for one target. */
export interface TargetJob {
  target: string;
}

/** How the queues run their jobs. */
export interface TargetQueuesOptions<J extends TargetJob> {
  /** Jobs running at once per target. */
  limit: number;
  /** Run one job; the slot is held until it settles. */
  run: (job: J) => Promise<void>;
  /** Where a delayed job goes when its wait is over (the caller may queue or hold it). */
  due: (job: J) => void;
}

/**
 * Per-target FIFO queues run with bounded concurrency. A job waiting out a delay (a retry's
 * backoff) holds no slot meanwhile, so one failing delivery never holds up the others.
 */
export class TargetQueues<J extends TargetJob> {
  private readonly queues = new Map<string, J[]>();
  private readonly active = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly o: TargetQueuesOptions<J>) {}

  /** Queue a job (first in line when `first`) and start what the target's slots allow. */
  add(job: J, first = false): void {
    let q = this.queues.get(job.target);
    if (!q) {
      q = [];
      this.queues.set(job.target, q);
    }
    if (first) q.unshift(job);
    else q.push(job);
    this.pump(job.target);
  }

  /** Hand a job to `due` after `ms`; close() cancels it. */
  later(job: J, ms: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.o.due(job);
    }, ms);
    t.unref(); // the listener's server keeps the process alive; a waiting job alone must not
    this.timers.add(t);
  }

  /** Start no more jobs and cancel the delayed ones; resolves once the running ones settled. */
  close(): Promise<unknown> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    return Promise.allSettled([...this.running]);
  }

  private pump(target: string): void {
    const q = this.queues.get(target);
    while (!this.closed && q?.length && (this.active.get(target) ?? 0) < this.o.limit) {
      const job = q.shift()!;
      this.active.set(target, (this.active.get(target) ?? 0) + 1);
      const p = this.o.run(job).finally(() => {
        this.running.delete(p);
        this.active.set(target, (this.active.get(target) ?? 1) - 1);
        this.pump(target);
      });
      this.running.add(p);
    }
  }
}

/** At most `limit` holders per target at once; the others wait their turn, in order. */
export class Slots {
  private readonly held = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly limit: number) {}

  /** Resolves once the caller holds one of the target's slots; give it back with release(). */
  acquire(target: string): Promise<void> {
    const n = this.held.get(target) ?? 0;
    if (n < this.limit) {
      this.held.set(target, n + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const q = this.waiting.get(target) ?? [];
      this.waiting.set(target, q);
      q.push(resolve);
    });
  }

  /** Give a slot back: the next waiter gets it at once. */
  release(target: string): void {
    const next = this.waiting.get(target)?.shift();
    if (next) next();
    else this.held.set(target, (this.held.get(target) ?? 1) - 1);
  }
}
