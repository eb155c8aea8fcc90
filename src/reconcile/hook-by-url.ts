import { RemoteApiError } from "../errors.js";
import { LISTENER_TUNNEL_META, lastPublicHookUrl } from "../listen/tunnel-record.js";
import type { OktaClient } from "../okta/client.js";
import type { EventHook } from "../okta/types.js";
import type { Store } from "../store/store.js";
import type { KnownHook } from "./filters.js";

/**
 * The event hook pointing at this database's listener, for a user who pasted the tunnel URL
 * into Okta by hand (no `listen --register`, so no remembered id): the last public hook URL
 * the listener recorded, compared with every hook's URL. An active hook is preferred when
 * several point there. `warn`: say so when the token may not list hooks (else stay quiet).
 */
export async function hookByUrl(
  client: OktaClient,
  store: Store | undefined,
  warnings: string[],
  warn: boolean,
): Promise<KnownHook | null> {
  const url = lastPublicHookUrl(store?.meta.get(LISTENER_TUNNEL_META));
  if (!url) return null;
  let hooks: EventHook[];
  try {
    hooks = await client.listEventHooks();
  } catch (err) {
    if (!(err instanceof RemoteApiError) || err.status !== 403) throw err;
    if (warn) {
      warnings.push(
        `the event hook at ${url} cannot be looked up: the token lacks okta.eventHooks.read (pass --hook-id or --event-type)`,
      );
    }
    return null;
  }
  const ours = hooks.filter((h) => sameUrl(h.channel?.config?.uri, url));
  const pick = ours.find((h) => h.status === "ACTIVE") ?? ours[0];
  if (!pick) return null;
  if (ours.length > 1) {
    warnings.push(
      `${ours.length} event hooks point at ${url}: compared with ${pick.id} ("${pick.name}"); pass --hook-id to pick another`,
    );
  }
  return { id: pick.id, from: "url", url };
}

function sameUrl(a: string | undefined, b: string): boolean {
  if (!a) return false;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}
