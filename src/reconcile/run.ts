import type { Dispatcher } from "undici";
import { ConfigError, Interrupted, RemoteApiError, UsageError } from "../errors.js";
import { OktaClient, type OktaClientOptions } from "../okta/client.js";
import { expandEventTypes, isEligible } from "../okta/event-types.js";
import type { OktaProgress } from "../okta/transport.js";
import type { LogEvent } from "../okta/types.js";
import { NO_LOCAL_EVENTS, StoreLocalEvents } from "../store/local-events.js";
import { EventSpool } from "../store/spool.js";
import type { Store } from "../store/store.js";
import { iso } from "../time.js";
import { type BackfillOptions, type BackfillResult, backfillMissing } from "./backfill.js";
import { DELIVERY_FAILURE_EVENT_TYPE } from "./delivery-failures.js";
import { diffEvents, type ReconcileReport } from "./diff.js";
import { type EventSelection, logQueries } from "./filters.js";
import { readAhead } from "./read-ahead.js";
import { ReceiptIndex } from "./receipts.js";
import { type ReconcileWindow, resolveWindow } from "./window.js";

/** `--replay-missing` settings. */
export interface ReplayMissingOptions {
  /** `--to`, already normalised; default: forward target per type, else the listener. */
  to?: string;
  /** Auth header value for the target (the hook's shared secret). */
  secret?: string;
  authHeader?: string;
  /** Without `secret`: the auth the database's listener used per target (see backfill). */
  authFor?: BackfillOptions["authFor"];
  timeoutMs?: number;
}

/** Everything a reconcile needs; values come from config.ts, never from the environment. */
export interface RunReconcileOptions {
  orgUrl?: string;
  apiToken?: string;
  accessToken?: string;
  /** `--since` / `--until` as typed (`2h`, ISO). */
  since: string;
  until?: string;
  /** `--event-type` globs; default: types received in the window (plus the hook's). */
  eventTypes?: string[];
  hookId?: string;
  /** The okhook database; undefined when there is none yet (everything is then missing). */
  store?: Store;
  /** Cap on each detail list; counts stay exact. */
  maxDetails?: number;
  replayMissing?: ReplayMissingOptions;
  now?: () => number;
  dispatcher?: Dispatcher;
  /** Client tuning for tests (retry delays, timeouts). */
  client?: Pick<OktaClientOptions, "requestTimeoutMs" | "retryBaseDelayMs" | "maxRetries">;
  signal?: AbortSignal;
  onProgress?: (progress: ReconcileProgress) => void;
}

/** Progress for a TTY: queries, pages, Okta waits, the local pass, backfill sends. */
export type ReconcileProgress =
  | { type: "query"; index: number; total: number }
  | { type: "page"; pages: number; events: number }
  | { type: "wait"; reason: string; waitMs: number }
  | { type: "local" }
  | { type: "backfill"; sentEvents: number; totalEvents: number };

/** A finished reconcile: what was compared, the diff, and the backfill if asked. */
export interface ReconcileResult {
  org: string;
  window: { since: string; until: string; localSince: string };
  selection: EventSelection;
  /** SCIM filters sent (null: unfiltered). */
  queries: (string | null)[];
  hookId: string | null;
  pages: number;
  /** System Log events read. */
  events: number;
  warnings: string[];
  report: ReconcileReport;
  backfill: BackfillResult | null;
}

/**
 * Reconcile the System Log with the okhook database over a bounded window, and with
 * `replayMissing` send what never arrived. Throws OkhookErrors (exit codes 2–5, 130).
 */
export async function runReconcile(o: RunReconcileOptions): Promise<ReconcileResult> {
  const counters = { pages: 0, events: 0 };
  const client = createClient(o);
  const now = (o.now ?? Date.now)();
  const window = resolveWindow({ since: o.since, until: o.until, now });
  const listenerUrl = o.store?.getMeta("listener.url");
  if (o.replayMissing && !o.replayMissing.to && !listenerUrl) {
    throw new UsageError(
      "--replay-missing: no target (no okhook listen has used this database); pass --to <url> or start okhook listen",
    );
  }
  if (o.replayMissing && !o.store) throw new TypeError("runReconcile: replayMissing needs a store");
  const spool = o.replayMissing ? new EventSpool() : undefined;
  try {
    const result = await compare({ o, client, window, counters, spool });
    if (o.replayMissing && spool && spool.count > 0) {
      result.backfill = await backfillMissing({
        ...o.replayMissing,
        store: o.store!,
        spool,
        listenerUrl,
        orgUrl: client.orgUrl,
        hookId: o.hookId,
        dispatcher: o.dispatcher,
        signal: o.signal,
        now: o.now,
        onProgress: (p) => o.onProgress?.({ type: "backfill", ...p }),
      });
    }
    return result;
  } catch (err) {
    if (o.signal?.aborted) throw new Interrupted();
    throw err;
  } finally {
    spool?.close();
  }
}

interface CompareInput {
  o: RunReconcileOptions;
  client: OktaClient;
  window: ReconcileWindow;
  counters: { pages: number; events: number };
  spool: EventSpool | undefined;
}

async function compare({ o, client, window, counters, spool }: CompareInput) {
  const warnings = [...window.warnings];
  const local = o.store
    ? new StoreLocalEvents(o.store, { since: window.localSince, until: window.until })
    : NO_LOCAL_EVENTS;
  // The window's receipts first: they name the event types to ask Okta for.
  o.onProgress?.({ type: "local" });
  const index = ReceiptIndex.from(local.inWindow());
  const selection = await selectEventTypes({ o, client, received: index.eventTypes(), warnings });
  const queries = logQueries(selection, o.hookId);
  const wanted = selection.types === null ? undefined : new Set(selection.types);
  const report = await diffEvents({
    // The next page is on its way while this one is compared.
    remote: readAhead(remoteEvents({ o, client, window, queries, counters })),
    local,
    index,
    includeEventType: wanted ? (t) => wanted.has(t) : isEligible,
    hookId: o.hookId,
    maxDetails: o.maxDetails,
    onMissing: spool ? (event) => spool.add(event) : undefined,
  });
  const result: ReconcileResult = {
    org: client.orgUrl,
    window: {
      since: iso(window.since),
      until: iso(window.until),
      localSince: iso(window.localSince),
    },
    selection,
    queries,
    hookId: o.hookId ?? null,
    pages: counters.pages,
    events: counters.events,
    warnings,
    report,
    backfill: null,
  };
  return result;
}

function createClient(o: RunReconcileOptions): OktaClient {
  if (!o.orgUrl) {
    throw new ConfigError(
      "no Okta org: pass --org https://<your-org>.okta.com or set OKTA_ORG_URL",
    );
  }
  return new OktaClient({
    orgUrl: o.orgUrl,
    apiToken: o.apiToken,
    accessToken: o.accessToken,
    dispatcher: o.dispatcher,
    signal: o.signal,
    ...o.client,
    onProgress: (p) => forwardWait(p, o.onProgress),
  });
}

function forwardWait(p: OktaProgress, onProgress: RunReconcileOptions["onProgress"]): void {
  if (p.type === "rate-limit-wait") {
    const reason = p.reason === "429" ? "rate limited (429)" : "rate limit nearly used up";
    onProgress?.({ type: "wait", reason, waitMs: p.waitMs });
  } else if (p.type === "retry") {
    onProgress?.({
      type: "wait",
      reason: `retry ${p.attempt} after ${p.reason}`,
      waitMs: p.waitMs,
    });
  }
}

interface RemoteInput {
  o: RunReconcileOptions;
  client: OktaClient;
  window: ReconcileWindow;
  queries: (string | null)[];
  counters: { pages: number; events: number };
}

/** Pages of every query, one after the other, uuids lower-cased like the store's. */
async function* remoteEvents(input: RemoteInput): AsyncGenerator<LogEvent[]> {
  const { o, client, window, queries, counters } = input;
  for (const [index, filter] of queries.entries()) {
    o.onProgress?.({ type: "query", index: index + 1, total: queries.length });
    const pages = client.listLogs({
      since: window.since,
      until: window.until,
      filter: filter ?? undefined,
    });
    for await (const page of pages) {
      if (o.signal?.aborted) throw new Interrupted();
      counters.pages++;
      counters.events += page.length;
      o.onProgress?.({ type: "page", pages: counters.pages, events: counters.events });
      yield page.filter((e) => keep(e, o.hookId)).map(lowerUuid);
    }
  }
}

/** Without --hook-id, failures of other hooks in the org are none of this reconcile's business. */
function keep(event: LogEvent, hookId: string | undefined): boolean {
  return hookId !== undefined || event.eventType !== DELIVERY_FAILURE_EVENT_TYPE;
}

function lowerUuid(event: LogEvent): LogEvent {
  if (typeof event.uuid === "string") event.uuid = event.uuid.toLowerCase();
  return event;
}

interface SelectInput {
  o: RunReconcileOptions;
  client: OktaClient;
  received: string[];
  warnings: string[];
}

/** `--event-type` globs, else the types received in the window (plus the hook's), else all. */
async function selectEventTypes(input: SelectInput): Promise<EventSelection> {
  const { o, client, received, warnings } = input;
  if (o.eventTypes && o.eventTypes.length > 0) {
    return { source: "flag", types: expandEventTypes(o.eventTypes, { flag: "--event-type" }) };
  }
  const types = new Set(received);
  let source: EventSelection["source"] = "received";
  if (o.hookId !== undefined) {
    const subscribed = await hookEventTypes(client, o.hookId, warnings);
    if (subscribed.length > 0) source = "hook";
    for (const t of subscribed) types.add(t);
  }
  if (types.size === 0) return { source: "all", types: null };
  return { source, types: [...types].sort() };
}

/** The event types a hook subscribes to; a token that may not read hooks only costs a warning. */
async function hookEventTypes(
  client: OktaClient,
  hookId: string,
  warnings: string[],
): Promise<string[]> {
  try {
    const hook = await client.getEventHook(hookId);
    return Array.isArray(hook.events?.items) ? hook.events.items.filter(isString) : [];
  } catch (err) {
    if (!(err instanceof RemoteApiError)) throw err;
    if (err.status === 404) {
      throw new UsageError(
        `--hook-id "${hookId}": Okta has no event hook with that id (find it under Workflow > Event Hooks, it starts with "who")`,
      );
    }
    if (err.status !== 403) throw err;
    warnings.push(
      `--hook-id "${hookId}": the token may not read event hooks, so only the event types received in the window are compared`,
    );
    return [];
  }
}

function isString(v: unknown): v is string {
  return typeof v === "string";
}
