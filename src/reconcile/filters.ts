import { DELIVERY_FAILURE_EVENT_TYPE } from "./delivery-failures.js";

/**
 * Event types per System Log query. Okta documents no filter length limit; 40 `or` terms
 * (about 1.4 KB, 3–4 KB URL-encoded) stay well inside any proxy's URL limit.
 */
export const MAX_TYPES_PER_QUERY = 40;

/** The filter that pulls Okta's own delivery failures (`--hook-id`). */
export const DELIVERY_FAILURE_FILTER = `eventType eq ${scimString(DELIVERY_FAILURE_EVENT_TYPE)}`;

/**
 * Where the compared event types came from: `--event-type`, the subscription of the known
 * hook (read from Okta), the types received in the window, or every hook-eligible type.
 */
export type SelectionSource = "flag" | "hook" | "received" | "all";

/**
 * The hook a reconcile knows of, and how: `--hook-id`, remembered by `listen --register`, or
 * found on Okta pointing at the URL the database's listener last had (`url`).
 */
export interface KnownHook {
  id: string;
  from: "--hook-id" | "database" | "url";
  /** With `from: "url"`: that URL. */
  url?: string;
}

/** The event types a reconcile compares; `types: null` means every hook-eligible type. */
export interface EventSelection {
  source: SelectionSource;
  types: string[] | null;
  /** With source "hook": the hook whose subscription this is. */
  hook?: KnownHook;
}

/** A SCIM string literal: double quotes, with `"` and `\` escaped. */
export function scimString(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * `eventType eq "a" or eventType eq "b" …`, split into several filters of at most
 * `perQuery` types so no single query grows unbounded.
 */
export function eventTypeFilters(
  types: readonly string[],
  perQuery: number = MAX_TYPES_PER_QUERY,
): string[] {
  const filters: string[] = [];
  for (let i = 0; i < types.length; i += perQuery) {
    const terms = types.slice(i, i + perQuery).map((t) => `eventType eq ${scimString(t)}`);
    filters.push(terms.join(" or "));
  }
  return filters;
}

/**
 * The System Log queries for a selection: one unfiltered query for "all" (the diff keeps
 * the hook-eligible types), else the split type filters, plus the failures with a hook id.
 */
export function logQueries(
  selection: EventSelection,
  hookId: string | undefined,
): (string | null)[] {
  if (selection.types === null) return [null];
  const queries: (string | null)[] = eventTypeFilters(selection.types);
  if (hookId !== undefined) queries.push(DELIVERY_FAILURE_FILTER);
  return queries;
}
