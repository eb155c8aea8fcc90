import type { Dispatcher } from "undici";
import { ConfigError, Interrupted, UsageError } from "../errors.js";
import { OktaClient, type OktaClientOptions } from "../okta/client.js";
import { isEligible } from "../okta/event-types.js";
import type { OktaRateLimitWait, OktaRetryWait } from "../okta/progress.js";
import type { LogEvent } from "../okta/types.js";
import { NO_LOCAL_EVENTS, StoreLocalEvents } from "../store/local-events.js";
import { EventSpool } from "../store/spool.js";
import type { Store } from "../store/store.js";
import { iso } from "../time.js";
import { type BackfillOptions, type BackfillResult, backfillMissing } from "./backfill.js";
import { DELIVERY_FAILURE_EVENT_TYPE } from "./delivery-failures.js";
import { diffEvents, type ReconcileReport } from "./diff.js";
import { type EventSelection, type KnownHook, logQueries } from "./filters.js";
import { hookByUrl } from "./hook-by-url.js";
import { readAhead } from "./read-ahead.js";
import { ReceiptIndex } from "./receipts.js";
import { knownHook, selectEventTypes } from "./selection.js";
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
  /**
   * `--event-type` globs; default: the types the known hook is subscribed to (read from
   * Okta), else those received in the window, else every hook-eligible type.
   */
  eventTypes?: string[];
  /**
   * `--hook-id`; default: the hook `listen --register` remembered in the database, else the
   * one on Okta pointing at the URL the database's listener last had.
   */
  hookId?: string;
  /** `--strict`: duplicates, late events and Okta's delivery failures also break "in sync". */
  strict?: boolean;
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
  | { type: "wait"; wait: OktaRateLimitWait | OktaRetryWait }
  | { type: "local" }
  | { type: "hook"; hookId: string }
  | { type: "backfill"; sentEvents: number; totalEvents: number };

/** A finished reconcile: what was compared, the diff, and the backfill if asked. */
export interface ReconcileResult {
  org: string;
  window: { since: string; until: string; localSince: string };
  selection: EventSelection;
  /** SCIM filters sent (null: unfiltered). */
  queries: (string | null)[];
  /** The hook whose delivery failures were pulled (`--hook-id`, the database, its URL). */
  hookId: string | null;
  hookFrom: KnownHook["from"] | null;
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
  const listenerUrl = o.store?.meta.get("listener.url");
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
        hookId: result.hookId ?? undefined,
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
  // The window's receipts first: without a hook they name the event types to ask Okta for.
  o.onProgress?.({ type: "local" });
  const index = ReceiptIndex.from(local.inWindow());
  const hook =
    knownHook(o.hookId, o.store, client.orgUrl) ??
    (await hookByUrl(client, o.store, warnings, !o.eventTypes?.length));
  if (hook && !o.eventTypes?.length) o.onProgress?.({ type: "hook", hookId: hook.id });
  const selection = await selectEventTypes({
    client,
    flagTypes: o.eventTypes,
    hook,
    received: index.eventTypes(),
    warnings,
  });
  const hookId = hook?.id;
  const queries = logQueries(selection, hookId);
  const wanted = selection.types === null ? undefined : new Set(selection.types);
  const report = await diffEvents({
    // The next page is on its way while this one is compared.
    remote: readAhead(remoteEvents({ o, client, window, queries, counters, hookId })),
    local,
    index,
    includeEventType: wanted ? (t) => wanted.has(t) : isEligible,
    hookId,
    strict: o.strict,
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
    hookId: hook?.id ?? null,
    hookFrom: hook?.from ?? null,
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
    // Every wait on Okta (429, pacing, retry) goes to the caller, which says it on stderr.
    onProgress: (p) => p.type !== "page" && o.onProgress?.({ type: "wait", wait: p }),
  });
}

interface RemoteInput {
  o: RunReconcileOptions;
  client: OktaClient;
  window: ReconcileWindow;
  queries: (string | null)[];
  counters: { pages: number; events: number };
  hookId: string | undefined;
}

/** Pages of every query, one after the other, uuids lower-cased like the store's. */
async function* remoteEvents(input: RemoteInput): AsyncGenerator<LogEvent[]> {
  const { o, client, window, queries, counters, hookId } = input;
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
      yield page.filter((e) => keep(e, hookId)).map(lowerUuid);
    }
  }
}

/** Without a known hook, failures of other hooks in the org are none of this reconcile's business. */
function keep(event: LogEvent, hookId: string | undefined): boolean {
  return hookId !== undefined || event.eventType !== DELIVERY_FAILURE_EVENT_TYPE;
}

function lowerUuid(event: LogEvent): LogEvent {
  if (typeof event.uuid === "string") event.uuid = event.uuid.toLowerCase();
  return event;
}
