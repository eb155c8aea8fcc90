import { setTimeout as delay } from "node:timers/promises";
import { type Dispatcher, request } from "undici";
import { backoffMs } from "../backoff.js";
import { describeError, type OkhookError, RemoteApiError } from "../errors.js";
import { scrubSecrets } from "../text/redact.js";
import {
  isConnectError,
  networkError,
  nonJsonBodyError,
  type OktaAuthInfo,
  type OktaOperation,
  oktaResponseError,
} from "./errors.js";
import type { OktaProgress } from "./progress.js";
import {
  BACKOFF_MAX_MS,
  lowRemainingPauseMs,
  type RateLimitState,
  type ResponseHeaders,
  rateLimitWaitMs,
  readRateLimit,
} from "./rate-limit.js";

export type { OktaProgress, OktaRateLimitWait, OktaRetryWait } from "./progress.js";

/** Largest response body read into memory (a 1000-event page is a few MB). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Settings of the request loop, resolved by OktaClient. */
export interface TransportOptions {
  auth: OktaAuthInfo;
  /** Full Authorization header value; never copied into a message. */
  authorization: string;
  /** Values to scrub from any message, whatever its origin. */
  secrets: string[];
  dispatcher?: Dispatcher;
  requestTimeoutMs: number;
  maxRetries: number;
  maxRateLimitWaits: number;
  retryBaseDelayMs: number;
  userAgent: string;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  onProgress?: (progress: OktaProgress) => void;
  signal?: AbortSignal;
}

/** One logical call to Okta. */
export interface OktaRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  body?: unknown;
  operation: OktaOperation;
  /** Safe to send again after a 5xx or a lost connection (a create is not). */
  idempotent: boolean;
}

/** A 2xx answer: parsed JSON (undefined for an empty body) and its headers. */
export interface OktaResponse {
  status: number;
  headers: ResponseHeaders;
  json: unknown;
}

interface AttemptState {
  path: string;
  retries: number;
  waits: number;
  /** X-Okta-Retry-For / X-Okta-Retry-Count, as the Okta SDK sends them on a retry. */
  headers: Record<string, string>;
}

interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

/** Default sleep: a timer that an AbortSignal cancels. */
export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : undefined);

/** Sends requests with a timeout, waits out 429s, retries 5xx and network errors (bounded). */
export class OktaTransport {
  private nextCallAt = 0;
  constructor(private readonly opts: TransportOptions) {}

  /** Send one request; throws RemoteApiError or NetworkError once retries are spent. */
  async send(req: OktaRequest): Promise<OktaResponse> {
    const state: AttemptState = {
      path: new URL(req.url).pathname,
      retries: 0,
      waits: 0,
      headers: {},
    };
    for (;;) {
      await this.pace(state.path);
      const res = await this.attempt(req, state);
      if (res) return this.finish(req, res);
    }
  }

  /** One try: the response to return, or undefined after waiting for another try. */
  private async attempt(req: OktaRequest, state: AttemptState): Promise<RawResponse | undefined> {
    let res: RawResponse;
    try {
      res = await this.once(req, state.headers);
    } catch (err) {
      if (this.opts.signal?.aborted) throw this.opts.signal.reason;
      if (err instanceof RemoteApiError) throw this.scrub(err);
      if (state.retries >= this.opts.maxRetries || !(req.idempotent || isConnectError(err))) {
        throw this.scrub(networkError(err, req, state.retries + 1, this.opts.requestTimeoutMs));
      }
      await this.backoff(++state.retries, { reason: describeError(err) }, state.path);
      return undefined;
    }
    const quota = readRateLimit(res.headers);
    this.noteQuota(quota);
    if (res.status === 429 && state.waits < this.opts.maxRateLimitWaits) {
      await this.rateLimitWait(quota, ++state.waits, state.path);
    } else if (res.status >= 500 && state.retries < this.opts.maxRetries && req.idempotent) {
      const why = { reason: `HTTP ${res.status}`, status: res.status };
      await this.backoff(++state.retries, why, state.path);
    } else {
      return res;
    }
    markRetry(state.headers, res.headers);
    return undefined;
  }

  private finish(req: OktaRequest, res: RawResponse): OktaResponse {
    if (res.status < 200 || res.status >= 300) {
      const { auth } = this.opts;
      const err = oktaResponseError({ ...res, bodyText: res.text, auth, operation: req.operation });
      throw this.scrub(err);
    }
    if (res.status === 204 || res.text.trim() === "") {
      return { status: res.status, headers: res.headers, json: undefined };
    }
    try {
      return { status: res.status, headers: res.headers, json: JSON.parse(res.text) };
    } catch {
      throw nonJsonBodyError(res.status, res.text);
    }
  }

  private async once(req: OktaRequest, extra: Record<string, string>): Promise<RawResponse> {
    const { requestTimeoutMs: timeoutMs } = this.opts;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = this.opts.signal ? AbortSignal.any([timeout, this.opts.signal]) : timeout;
    const headers: Record<string, string> = {
      accept: "application/json",
      authorization: this.opts.authorization,
      "user-agent": this.opts.userAgent,
      ...extra,
    };
    if (req.body !== undefined) headers["content-type"] = "application/json";
    const res = await request(req.url, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      dispatcher: this.opts.dispatcher,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await readText(res.body, res.statusCode);
    return { status: res.statusCode, headers: res.headers as ResponseHeaders, text };
  }

  /** Wait out a 429: until X-Rate-Limit-Reset on Okta's clock, else back off. */
  private async rateLimitWait(quota: RateLimitState, attempt: number, path: string) {
    const fromReset = rateLimitWaitMs(quota, this.opts.now());
    const waitMs = fromReset ?? this.backoffMs(attempt, this.opts.retryBaseDelayMs * 2);
    this.opts.onProgress?.({
      type: "rate-limit-wait",
      reason: "429",
      waitMs,
      path,
      basis: fromReset === undefined ? "backoff" : "reset",
      attempt,
      maxAttempts: this.opts.maxRateLimitWaits,
    });
    await this.opts.sleep(waitMs, this.opts.signal);
  }

  private async pace(path: string): Promise<void> {
    const waitMs = this.nextCallAt - this.opts.now();
    if (waitMs <= 0) return;
    this.opts.onProgress?.({
      type: "rate-limit-wait",
      reason: "low-remaining",
      waitMs,
      path,
      basis: "reset",
    });
    await this.opts.sleep(waitMs, this.opts.signal);
  }

  private noteQuota(state: RateLimitState): void {
    const pauseMs = lowRemainingPauseMs(state, this.opts.now());
    this.nextCallAt = pauseMs > 0 ? this.opts.now() + pauseMs : 0;
  }

  private backoffMs(attempt: number, baseMs: number): number {
    const { random } = this.opts;
    return backoffMs({ attempt, baseMs, maxMs: BACKOFF_MAX_MS, jitter: true, random });
  }

  private async backoff(
    attempt: number,
    why: { reason: string; status?: number },
    path: string,
  ): Promise<void> {
    const waitMs = this.backoffMs(attempt, this.opts.retryBaseDelayMs);
    const { maxRetries } = this.opts;
    const reason = this.redact(why.reason);
    const { status } = why;
    this.opts.onProgress?.({ type: "retry", attempt, maxRetries, waitMs, reason, status, path });
    await this.opts.sleep(waitMs, this.opts.signal);
  }

  private redact(text: string): string {
    return scrubSecrets(text, this.opts.secrets);
  }

  private scrub<E extends OkhookError>(err: E): E {
    err.message = this.redact(err.message);
    return err;
  }
}

function markRetry(retryHeaders: Record<string, string>, headers: ResponseHeaders): void {
  const requestId = headers["x-okta-request-id"];
  if (!retryHeaders["x-okta-retry-for"] && typeof requestId === "string") {
    retryHeaders["x-okta-retry-for"] = requestId;
  }
  retryHeaders["x-okta-retry-count"] = String(Number(retryHeaders["x-okta-retry-count"] ?? 0) + 1);
}

async function readText(body: AsyncIterable<Buffer>, status: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      throw new RemoteApiError(
        `Okta answered ${status} with a body over 64 MiB (is --org right?)`,
        {
          status,
        },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
