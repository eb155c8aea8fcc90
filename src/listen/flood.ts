import { describeError } from "../errors.js";
import { pruneHostile } from "../store/hostile.js";
import type { Store } from "../store/store.js";
import {
  type AuthState,
  type DeliveryKind,
  type HeaderPairs,
  HOSTILE_KINDS,
  type NewDelivery,
} from "../store/types.js";

/**
 * Body bytes kept of a request that fails auth or is not Okta-shaped (its size is noted).
 * With the header and path caps a row stays within one 4 KiB SQLite page: a row that spills
 * into an overflow page costs two, so 10,000 stored would take 80 MB instead of 40.
 */
export const HOSTILE_BODY_KEEP = 2048;
/** Stored header list (as JSON) kept of such a request. */
export const HOSTILE_HEADERS_KEEP = 1024;
/** Request target (path and query) kept of such a request. */
export const HOSTILE_PATH_KEEP = 256;
/** Such requests stored per second once the burst is spent; past it they are only counted. */
export const HOSTILE_STORE_RATE = 10;
/** Such requests stored at once before the rate applies (a misconfigured secret shows). */
export const HOSTILE_STORE_BURST = 200;
/**
 * Such rows kept in the database: the newest ones, older ones deleted as more arrive. With
 * one 4 KiB page each, at most ~40 MB however long a slow trickle below the rate lasts.
 */
export const HOSTILE_KEEP_ROWS = 10_000;
/** Stored hostile rows between two prunes (each prune is a walk of a small partial index). */
export const HOSTILE_PRUNE_EVERY = 500;
/** A tally of requests counted but not stored is reported at most this often. */
export const NOT_STORED_REPORT_MS = 5000;

/**
 * What the public URL gets from strangers: a request that fails auth (also a verification
 * GET with the wrong secret) or is not Okta-shaped (400, 404, 405, 413). Never what an
 * authenticated Okta-shaped delivery or inline hook request is (a wrong secret on either is
 * `rejected`), however many arrive.
 */
export function isHostile(kind: DeliveryKind, auth: AuthState): boolean {
  if (kind === "verification") return auth === "missing" || auth === "wrong";
  return HOSTILE_KINDS.includes(kind);
}

/**
 * Cap what a hostile request stores: the first HOSTILE_BODY_KEEP body bytes and
 * HOSTILE_HEADERS_KEEP header bytes; the reason says what was cut (`size` keeps the real size).
 */
export function capHostile(r: NewDelivery): NewDelivery {
  const notes: string[] = [];
  let body = r.body;
  if (body && body.length > HOSTILE_BODY_KEEP)
    body = Buffer.from(body.subarray(0, HOSTILE_BODY_KEEP));
  if (body && body.length < r.size) notes.push(`first ${body.length} of ${r.size} body bytes kept`);
  const { headers, cut } = capHeaders(r.headers, HOSTILE_HEADERS_KEEP);
  if (cut) notes.push(`headers cut to ${HOSTILE_HEADERS_KEEP} bytes`);
  const path = r.path.slice(0, HOSTILE_PATH_KEEP);
  if (path.length < r.path.length) notes.push(`path cut to ${HOSTILE_PATH_KEEP} characters`);
  const reason = [r.reason, ...notes].filter(Boolean).join("; ") || null;
  return { ...r, body, headers, path, reason };
}

/** Header pairs in order while their JSON fits in `max` characters (the last value cut to fit). */
function capHeaders(pairs: HeaderPairs, max: number): { headers: HeaderPairs; cut: boolean } {
  const headers: HeaderPairs = [];
  let left = max - 2; // the list's brackets
  for (const pair of pairs) {
    const cost = JSON.stringify(pair).length + 1; // with its comma
    if (cost > left) {
      const [name, value] = pair;
      const short: [string, string] = [name, value.slice(0, Math.max(0, left - name.length - 8))];
      if (JSON.stringify(short).length + 1 <= left) headers.push(short);
      return { headers, cut: true };
    }
    headers.push(pair);
    left -= cost;
  }
  return { headers, cut: false };
}

/** Knobs of the gate (defaults above; tests pass their own clock). */
export interface FloodGateOptions {
  rate?: number;
  burst?: number;
  reportEveryMs?: number;
  now?: () => number;
  /** Says how many requests were counted but not stored since the last report. */
  report: (message: string) => void;
}

/**
 * A token bucket over stored hostile rows: within the rate they are stored (capped), past
 * it they are answered the same but only counted, so a flood on the public URL neither fills
 * the disk nor sits in the write path of acknowledged deliveries. The tally is reported at
 * once, then at most every `reportEveryMs` while it grows.
 */
export class FloodGate {
  private tokens: number;
  private last: number;
  private total = 0;
  private readonly pending = new Map<DeliveryKind, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly rate: number;
  private readonly burst: number;
  private readonly now: () => number;

  constructor(private readonly o: FloodGateOptions) {
    this.rate = o.rate ?? HOSTILE_STORE_RATE;
    this.burst = o.burst ?? HOSTILE_STORE_BURST;
    this.now = o.now ?? (() => performance.now());
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Whether one more hostile request may be stored now (takes a token). */
  admit(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  /** Count a hostile request that was answered but not stored. */
  count(kind: DeliveryKind): void {
    this.total++;
    this.pending.set(kind, (this.pending.get(kind) ?? 0) + 1);
    if (this.timer) return;
    this.flush();
    this.arm();
  }

  /** Requests counted but not stored since the listener started. */
  get notStored(): number {
    return this.total;
  }

  /** Report what is still untold and stop the timer (listener shutdown). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.pending.size === 0) return;
      this.flush();
      this.arm();
    }, this.o.reportEveryMs ?? NOT_STORED_REPORT_MS);
    this.timer.unref();
  }

  private flush(): void {
    if (this.pending.size === 0) return;
    const n = [...this.pending.values()].reduce((a, b) => a + b, 0);
    const kinds = [...this.pending].map(([k, c]) => `${k} ${c.toLocaleString("en-US")}`);
    this.pending.clear();
    this.o.report(
      `${n.toLocaleString("en-US")} request${n === 1 ? "" : "s"} on the hook URL counted, not stored (${kinds.join(", ")}): past ${this.rate}/s, requests that fail auth or are not Okta-shaped are only counted (${this.total.toLocaleString("en-US")} so far)`,
    );
  }
}

/**
 * Keeps the hostile rows of the database to the newest `keep`: pruned when listen starts and
 * after every HOSTILE_PRUNE_EVERY stored, off the request path. A failed prune is reported,
 * never fatal (the rows stay until the next one).
 */
export class HostileRetention {
  private since = 0;

  constructor(
    private readonly store: Store,
    private readonly o: { keep?: number; every?: number; onError: (message: string) => void },
  ) {}

  /** Prune now; how many rows went. */
  prune(): number {
    try {
      return pruneHostile(this.store, this.o.keep ?? HOSTILE_KEEP_ROWS);
    } catch (err) {
      this.o.onError(`could not prune old rejected requests: ${describeError(err)}`);
      return 0;
    }
  }

  /** Note one stored hostile row. */
  stored(): void {
    if (++this.since < (this.o.every ?? HOSTILE_PRUNE_EVERY)) return;
    this.since = 0;
    setImmediate(() => this.prune());
  }
}
