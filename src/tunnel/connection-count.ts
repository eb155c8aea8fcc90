import { ReadyProbe } from "./ready-probe.js";

/** How often `/ready` is asked while the tunnel runs. */
export const READY_POLL_MS = 1_000;
/** After a connection line in the log, ask `/ready` this soon (it is updated just after the line). */
export const READY_NUDGE_MS = 100;
/**
 * For this long after a connection line the log's count wins over `/ready`: a drop that
 * cloudflared logged is said even when it reconnects within a second (an answer from before
 * the line, or a quick reconnect, would otherwise hide it), and a fresh registration is not
 * undone by an answer the metrics server gave before it caught up.
 */
export const LOG_WINS_MS = 2_000;

/**
 * How many edge connections one cloudflared has registered. Its log hints at changes
 * (`Registered…`, `Failed to serve tunnel connection…`); `/ready` on its metrics server, asked
 * right after each hint and every second, has the last word. Without a metrics address (an
 * older or odd cloudflared) the log's count stands.
 */
export class ConnectionCount {
  private readonly logged = new Set<number>();
  private probe: ReadyProbe | undefined;
  private timer: NodeJS.Timeout | undefined;
  private count = 0;
  private watching = false;
  private closed = false;
  private lastLogged = Number.NEGATIVE_INFINITY;

  /** `onChange` hears every change of the count once `watch()` was called. */
  constructor(
    private readonly onChange: (count: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Connections registered according to the log. */
  get logCount(): number {
    return this.logged.size;
  }

  /** cloudflared logged where its metrics server listens. */
  metricsAt(address: string): void {
    this.probe ??= new ReadyProbe(address);
  }

  /** The log says connection `connIndex` registered. */
  registered(connIndex: number): void {
    this.logged.add(connIndex);
    this.nudge();
  }

  /** The log says connection `connIndex` ended (unregistered or dropped). */
  ended(connIndex: number): void {
    if (this.logged.delete(connIndex)) this.nudge();
  }

  /** Start reporting changes (the tunnel is ready: this many connections now). */
  watch(): void {
    this.watching = true;
    this.count = this.logged.size;
    if (this.probe) this.schedule(READY_POLL_MS);
  }

  /** Stop asking and reporting (shutdown, or the child is gone). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.probe?.close();
  }

  private nudge(): void {
    if (!this.watching) return;
    this.lastLogged = this.now();
    // The log line is news now; `/ready` confirms (or corrects) it a moment later.
    this.report(this.logged.size);
    if (this.probe) this.schedule(READY_NUDGE_MS);
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const askedAt = this.now();
    const n = await this.probe?.readyConnections();
    if (this.closed) return;
    const logFresh = askedAt - this.lastLogged < LOG_WINS_MS;
    this.report(n === undefined || logFresh ? this.logged.size : n);
    this.schedule(READY_POLL_MS);
  }

  private report(count: number): void {
    if (this.closed || !this.watching || count === this.count) return;
    this.count = count;
    this.onChange(count);
  }
}
