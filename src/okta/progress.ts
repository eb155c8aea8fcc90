/** Progress notes for a UI: requests, pages, waits and retries. */
export type OktaProgress =
  | { type: "page"; pages: number; events: number }
  | OktaRateLimitWait
  | OktaRetryWait;

/**
 * A wait on Okta's rate limit: after a 429 (`attempt` of `maxAttempts` waits), or a pause
 * spacing calls out while little quota is left. `basis` says where the length came from.
 */
export interface OktaRateLimitWait {
  type: "rate-limit-wait";
  reason: "429" | "low-remaining";
  waitMs: number;
  path: string;
  basis: "reset" | "backoff";
  attempt?: number;
  maxAttempts?: number;
}

/** A wait before retry `attempt` of `maxRetries` after a 5xx (`status`) or a network error. */
export interface OktaRetryWait {
  type: "retry";
  attempt: number;
  maxRetries: number;
  waitMs: number;
  /** `HTTP 503`, or the network error, secrets scrubbed. */
  reason: string;
  status?: number;
  path: string;
}
