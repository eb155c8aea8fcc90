import { type FakeReply, oktaError } from "./okta-shapes.js";

/** A scripted misbehaviour of the fake (okta-reference §9 plus hostile servers). */
export type FakeFault =
  /** 429 E0000047 until the Reset (whole seconds ahead of the fake clock) has passed. */
  | { kind: "rate-limit"; resetInSeconds?: number }
  /** 500 E0000009 (or another 5xx) with an Okta error body. */
  | { kind: "server-error"; status?: number }
  /** Any Okta error reply. */
  | { kind: "error"; status: number; errorCode: string; errorSummary: string; causes?: string[] }
  /** An HTML page instead of JSON (a proxy error page, a sign-in page). */
  | { kind: "html"; status?: number }
  /** The real answer, cut in the middle of its JSON. */
  | { kind: "truncated-json" }
  /** System Log pages without any Link header. */
  | { kind: "missing-link" }
  /** System Log pages whose next link is the page itself. */
  | { kind: "looping-link" }
  /** Answer only after this delay. */
  | { kind: "slow"; delayMs: number }
  /** Close the connection without answering. */
  | { kind: "drop" };

/** When a fault applies: how many times, to which path prefix and method. */
export interface FaultRule {
  fault: FakeFault;
  times: number;
  path?: string;
  method?: string;
}

/** A fault queue: the first matching rule with uses left fires. */
export class FaultQueue {
  private readonly rules: FaultRule[] = [];

  add(fault: FakeFault, opts: { times?: number; path?: string; method?: string } = {}): void {
    this.rules.push({ fault, times: opts.times ?? 1, path: opts.path, method: opts.method });
  }

  take(method: string, path: string): FakeFault | undefined {
    const rule = this.rules.find(
      (r) =>
        r.times > 0 &&
        (r.path === undefined || path.startsWith(r.path)) &&
        (r.method === undefined || r.method === method),
    );
    if (!rule) return undefined;
    rule.times--;
    return rule.fault;
  }

  clear(): void {
    this.rules.length = 0;
  }
}

/** Okta's per-window quota with X-Rate-Limit-* values, plus a scripted 429 block. */
export class Quota {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  private blockedUntil = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Count one request; returns its rate-limit headers and whether it is over quota. */
  charge(now: number): { headers: Record<string, string>; limited: boolean } {
    if (now < this.blockedUntil) {
      return { headers: this.headers(0, this.blockedUntil), limited: true };
    }
    if (now >= this.windowStart + this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used++;
    const end = this.windowStart + this.windowMs;
    return {
      headers: this.headers(Math.max(0, this.limit - this.used), end),
      limited: this.used > this.limit,
    };
  }

  /** Start a scripted 429 period ending `seconds` whole seconds ahead. */
  block(now: number, seconds: number): Record<string, string> {
    this.blockedUntil = (Math.floor(now / 1000) + seconds) * 1000;
    return this.headers(0, this.blockedUntil);
  }

  private headers(remaining: number, resetAtMs: number): Record<string, string> {
    return {
      "X-Rate-Limit-Limit": String(this.limit),
      "X-Rate-Limit-Remaining": String(remaining),
      "X-Rate-Limit-Reset": String(Math.ceil(resetAtMs / 1000)),
    };
  }
}

/** Okta's 429 reply. */
export function tooManyRequests(): FakeReply {
  return oktaError(429, "E0000047", "API call exceeded rate limit due to too many requests.");
}

/** An HTML page, as a wrong org URL or a proxy might send. */
export function htmlPage(status: number): FakeReply {
  return {
    status,
    text: "<!DOCTYPE html><html><head><title>Sign In</title></head><body><h1>Sign In</h1></body></html>",
    contentType: "text/html; charset=utf-8",
  };
}
