import { RemoteApiError, UsageError } from "../errors.js";
import type { OktaClient } from "../okta/client.js";
import { expandEventTypes } from "../okta/event-types.js";
import type { Store } from "../store/store.js";
import type { EventSelection, KnownHook } from "./filters.js";

/** The DB meta key under which `listen --register` remembers its hook id for an org. */
export function hookMetaKey(orgUrl: string): string {
  return `okta.hookId:${orgUrl}`;
}

/** The hook this reconcile is about: `--hook-id`, else the one `listen --register` remembered. */
export function knownHook(
  flag: string | undefined,
  store: Store | undefined,
  orgUrl: string,
): KnownHook | null {
  if (flag !== undefined) return { id: flag, from: "--hook-id" };
  const remembered = store?.meta.get(hookMetaKey(orgUrl));
  return remembered ? { id: remembered, from: "database" } : null;
}

/** What selectEventTypes needs. */
export interface SelectInput {
  client: OktaClient;
  /** `--event-type` globs. */
  flagTypes: string[] | undefined;
  hook: KnownHook | null;
  /** Event types received in the window, sorted. */
  received: string[];
  warnings: string[];
}

/**
 * The event types to compare: `--event-type`, else those the known hook is subscribed to
 * (so a type that never arrived is still reported missing), else those received in the
 * window, else every hook-eligible type. Not "every type in the window" without a hook: the
 * System Log holds every sign-in of the org, and each would be reported missing.
 */
export async function selectEventTypes(input: SelectInput): Promise<EventSelection> {
  const { flagTypes, hook, received, warnings } = input;
  if (flagTypes && flagTypes.length > 0) {
    return { source: "flag", types: expandEventTypes(flagTypes, { flag: "--event-type" }) };
  }
  const subscribed = hook ? await subscription(input.client, hook, warnings) : null;
  if (hook && subscribed) {
    const wanted = new Set(subscribed);
    const outside = received.filter((t) => !wanted.has(t));
    if (outside.length > 0) {
      warnings.push(
        `received events of ${outside.length} type${outside.length === 1 ? "" : "s"} hook ${hook.id} is not subscribed to (${outside.join(", ")}): not compared (list every type to compare with --event-type)`,
      );
    }
    return { source: "hook", types: [...wanted].sort(), hook };
  }
  if (received.length > 0) return { source: "received", types: received };
  return { source: "all", types: null };
}

/** A hook's subscribed event types; null (with a warning) when they cannot be used. */
async function subscription(
  client: OktaClient,
  hook: KnownHook,
  warnings: string[],
): Promise<string[] | null> {
  const named = hook.from === "--hook-id" ? `--hook-id "${hook.id}"` : `hook ${hook.id}`;
  const fallback = "so the types it is subscribed to are not compared";
  let items: unknown;
  let filter: unknown;
  try {
    const read = await client.getEventHook(hook.id);
    items = read.events?.items;
    filter = read.events?.filter;
  } catch (err) {
    if (!(err instanceof RemoteApiError) || (err.status !== 404 && err.status !== 403)) throw err;
    if (err.status === 404 && hook.from === "--hook-id") {
      throw new UsageError(
        `--hook-id "${hook.id}": Okta has no event hook with that id (find it under Workflow > Event Hooks, it starts with "who")`,
      );
    }
    const remembered = hook.from === "database" ? " (remembered by okhook listen --register)" : "";
    const why =
      err.status === 404
        ? `${remembered} is gone from Okta`
        : " cannot be read: the token lacks okta.eventHooks.read";
    warnings.push(`${named}${why}, ${fallback} (name them with --event-type)`);
    return null;
  }
  const types = Array.isArray(items) ? items.filter((t): t is string => typeof t === "string") : [];
  if (types.length === 0) {
    warnings.push(`${named} lists no event types on Okta, so there is no subscription to compare`);
    return null;
  }
  if (filter !== null && filter !== undefined) {
    warnings.push(
      `${named} filters its events (events.filter): events its filter drops show as missing here`,
    );
  }
  return types;
}
