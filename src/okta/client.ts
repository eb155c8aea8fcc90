import type { Dispatcher } from "undici";
import { RemoteApiError } from "../errors.js";
import { VERSION } from "../version.js";
import { resolveAuth } from "./auth.js";
import type { OktaAuthInfo, OktaOperation } from "./errors.js";
import { findLink } from "./link-header.js";
import { validateOrgUrl } from "./org-url.js";
import {
  defaultSleep,
  type OktaProgress,
  type OktaRequest,
  type OktaResponse,
  OktaTransport,
} from "./transport.js";
import type { EventHook, EventHookInput, LogEvent } from "./types.js";

/** Per-request timeout unless the caller sets one. */
export const OKTA_REQUEST_TIMEOUT_MS = 30_000;
/** Retries after a 5xx or network error. */
export const OKTA_MAX_RETRIES = 3;
/** 429 waits per request before giving up. */
export const OKTA_MAX_RATE_LIMIT_WAITS = 5;
/** First backoff step for 5xx and network errors. */
export const OKTA_RETRY_BASE_DELAY_MS = 500;
/** System Log page size reconcile asks for (Okta's maximum). */
export const SYSTEM_LOG_PAGE_LIMIT = 1000;
/** Empty pages followed in a row before a listing stops (a bounded query should have none). */
export const MAX_CONSECUTIVE_EMPTY_PAGES = 3;

const LOGS: OktaOperation = { scope: "okta.logs.read", what: "read the System Log" };
const HOOKS_READ: OktaOperation = { scope: "okta.eventHooks.read", what: "read event hooks" };
const HOOKS_MANAGE: OktaOperation = { scope: "okta.eventHooks.manage", what: "manage event hooks" };

/** How to reach one Okta org. Tokens come from config.ts, never from here. */
export interface OktaClientOptions {
  orgUrl: string;
  apiToken?: string;
  accessToken?: string;
  dispatcher?: Dispatcher;
  requestTimeoutMs?: number;
  maxRetries?: number;
  maxRateLimitWaits?: number;
  retryBaseDelayMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  onProgress?: (progress: OktaProgress) => void;
  signal?: AbortSignal;
}

/** A bounded System Log query. */
export interface ListLogsOptions {
  since: string | number | Date;
  until: string | number | Date;
  /** SCIM filter, e.g. `eventType sw "user.lifecycle"`. */
  filter?: string;
  limit?: number;
}

/** Okta API client: System Log pages and event hook management over undici. */
export class OktaClient {
  /** The validated org origin, e.g. `https://dev-123.okta.com`. */
  readonly orgUrl: string;
  /** Which credential is used (scheme and variable name, never the value). */
  readonly auth: OktaAuthInfo;
  private readonly transport: OktaTransport;
  private readonly onProgress: ((progress: OktaProgress) => void) | undefined;

  constructor(options: OktaClientOptions) {
    this.orgUrl = validateOrgUrl(options.orgUrl);
    const { token, ...auth } = resolveAuth(options);
    this.auth = auth;
    this.onProgress = options.onProgress;
    this.transport = new OktaTransport({
      auth,
      authorization: `${auth.scheme} ${token}`,
      secrets: [token],
      dispatcher: options.dispatcher,
      requestTimeoutMs: options.requestTimeoutMs ?? OKTA_REQUEST_TIMEOUT_MS,
      maxRetries: options.maxRetries ?? OKTA_MAX_RETRIES,
      maxRateLimitWaits: options.maxRateLimitWaits ?? OKTA_MAX_RATE_LIMIT_WAITS,
      retryBaseDelayMs: options.retryBaseDelayMs ?? OKTA_RETRY_BASE_DELAY_MS,
      userAgent: `okhook/${VERSION} node/${process.version}`,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? defaultSleep,
      random: options.random ?? Math.random,
      onProgress: options.onProgress,
      signal: options.signal,
    });
  }

  /**
   * Pages of System Log events for a bounded query (since + until, ascending), following
   * `rel="next"` verbatim until it is absent. One page in memory at a time.
   */
  async *listLogs(options: ListLogsOptions): AsyncGenerator<LogEvent[], void, undefined> {
    let url: string | undefined = this.logsUrl(options);
    const seen = new Set<string>();
    let pages = 0;
    let events = 0;
    let emptyInARow = 0;
    while (url !== undefined) {
      if (seen.has(url)) throw loopError(url);
      seen.add(url);
      const res = await this.transport.send({
        method: "GET",
        url,
        operation: LOGS,
        idempotent: true,
      });
      const page = asLogPage(res);
      if (res.headers.link === undefined) throw missingLinkError(url);
      pages++;
      events += page.length;
      this.onProgress?.({ type: "page", pages, events });
      emptyInARow = page.length === 0 ? emptyInARow + 1 : 0;
      if (emptyInARow >= MAX_CONSECUTIVE_EMPTY_PAGES) return;
      if (page.length > 0) yield page;
      const next = findLink(res.headers.link, "next");
      url = next === undefined ? undefined : this.sameOrgUrl(next, url);
    }
  }

  /** Every event hook of the org (the endpoint has no paging). */
  async listEventHooks(): Promise<EventHook[]> {
    const res = await this.request("GET", "/api/v1/eventHooks", HOOKS_READ);
    if (!Array.isArray(res.json))
      throw unexpectedBody(res, "/api/v1/eventHooks", "a list of event hooks");
    return res.json as EventHook[];
  }

  /** One event hook by id. */
  async getEventHook(id: string): Promise<EventHook> {
    return this.hookCall("GET", hookPath(id), HOOKS_READ);
  }

  /** Create a hook; Okta returns it ACTIVE and UNVERIFIED. Not retried after a 5xx. */
  async createEventHook(body: EventHookInput): Promise<EventHook> {
    return this.hookCall("POST", "/api/v1/eventHooks", HOOKS_MANAGE, body, false);
  }

  /** Replace a hook (PUT is a full replace; a new channel needs a new verify). */
  async updateEventHook(id: string, body: EventHookInput): Promise<EventHook> {
    return this.hookCall("PUT", hookPath(id), HOOKS_MANAGE, body);
  }

  /** Activate a hook. */
  async activate(id: string): Promise<EventHook> {
    return this.hookCall("POST", `${hookPath(id)}/lifecycle/activate`, HOOKS_MANAGE);
  }

  /** Deactivate a hook (required before delete). */
  async deactivate(id: string): Promise<EventHook> {
    return this.hookCall("POST", `${hookPath(id)}/lifecycle/deactivate`, HOOKS_MANAGE);
  }

  /** Ask Okta to send the verification GET; a failed check is RemoteApiError 400 E0000001. */
  async verify(id: string): Promise<EventHook> {
    return this.hookCall("POST", `${hookPath(id)}/lifecycle/verify`, HOOKS_MANAGE);
  }

  /** Delete an INACTIVE hook (204). */
  async deleteEventHook(id: string): Promise<void> {
    await this.request("DELETE", hookPath(id), HOOKS_MANAGE);
  }

  private logsUrl(options: ListLogsOptions): string {
    const url = new URL("/api/v1/logs", this.orgUrl);
    url.searchParams.set("since", toIso(options.since, "since"));
    url.searchParams.set("until", toIso(options.until, "until"));
    url.searchParams.set("limit", String(options.limit ?? SYSTEM_LOG_PAGE_LIMIT));
    url.searchParams.set("sortOrder", "ASCENDING");
    if (options.filter) url.searchParams.set("filter", options.filter);
    return url.toString();
  }

  /** Follow a next link verbatim, but never send the token to another host. */
  private sameOrgUrl(next: string, current: string): string {
    let url: URL;
    try {
      url = new URL(next, current);
    } catch {
      throw new RemoteApiError(
        `Okta sent an unreadable next link for /api/v1/logs (is --org right?)`,
      );
    }
    if (url.origin !== this.orgUrl) {
      throw new RemoteApiError(
        `Okta's next link for /api/v1/logs points to ${url.origin}, not ${this.orgUrl} (refusing to send the token there; is --org right?)`,
      );
    }
    return url.toString();
  }

  private async hookCall(
    method: OktaRequest["method"],
    path: string,
    operation: OktaOperation,
    body?: unknown,
    idempotent = true,
  ): Promise<EventHook> {
    const res = await this.request(method, path, operation, body, idempotent);
    const hook = res.json as EventHook | undefined;
    if (!hook || typeof hook !== "object" || Array.isArray(hook) || typeof hook.id !== "string") {
      throw unexpectedBody(res, path, "an event hook");
    }
    return hook;
  }

  /** One call to any Okta API path (this client's own and sibling API modules', e.g. inline hooks). */
  request(
    method: OktaRequest["method"],
    path: string,
    operation: OktaOperation,
    body?: unknown,
    idempotent = true,
  ): Promise<OktaResponse> {
    const url = new URL(path, this.orgUrl).toString();
    return this.transport.send({ method, url, body, operation, idempotent });
  }
}

function hookPath(id: string): string {
  return `/api/v1/eventHooks/${encodeURIComponent(id)}`;
}

function toIso(value: string | number | Date, name: string): string {
  const t =
    value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(t)) throw new TypeError(`listLogs: ${name} is not a valid time`);
  return new Date(t).toISOString();
}

function asLogPage(res: OktaResponse): LogEvent[] {
  if (!Array.isArray(res.json)) throw unexpectedBody(res, "/api/v1/logs", "a list of events");
  return res.json as LogEvent[];
}

/** Okta answered JSON of the wrong shape: likely not the Okta org (`path` without its query). */
export function unexpectedBody(
  res: Pick<OktaResponse, "status">,
  path: string,
  expected: string,
): RemoteApiError {
  return new RemoteApiError(
    `Okta answered ${res.status} to ${path} with JSON that is not ${expected} (is --org right?)`,
    { status: res.status },
  );
}

/**
 * Okta puts `rel="self"` on every System Log page; a page without any Link header went
 * through something that dropped it, and stopping there would silently truncate the listing.
 */
function missingLinkError(url: string): RemoteApiError {
  const path = new URL(url).pathname;
  return new RemoteApiError(
    `Okta answered ${path} without a Link header, so whether more pages follow is unknown (is --org the Okta org itself, not a proxy?)`,
  );
}

function loopError(url: string): RemoteApiError {
  const path = new URL(url).pathname;
  return new RemoteApiError(
    `Okta's next link for ${path} repeats a page already read (paging loop); stopping — try again, or narrow --since/--until`,
  );
}
