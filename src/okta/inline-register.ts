// `listen --register-inline <type>`: point one inline hook of the org at this listener's
// public URL (create or update its channel), activate it, and deactivate it on exit. Unlike
// event hooks there is no verification step: Okta calls inline hooks without a challenge.
import { RemoteApiError } from "../errors.js";
import { INLINE_EVENT_TYPES, type InlineTypeName } from "../inline/types.js";
import type { InlineHook, InlineHookInput, InlineHooksApi } from "./inline-hooks.js";
import { headerKey } from "./register.js";

/** What `--register-inline` needs. */
export interface RegisterInlineOptions {
  api: InlineHooksApi;
  type: InlineTypeName;
  /** Hook name; okhook finds its own hook by name and type. */
  name: string;
  hookUrl: string;
  secret?: string;
  authHeader: string;
  /** Hook id remembered from an earlier run, tried before the name. */
  knownId?: string;
  onProgress?: (message: string) => void;
  /** Told the hook id as soon as it exists, so a cancelled registration can be undone. */
  onHookId?: (id: string) => void;
  signal?: AbortSignal;
}

/** The registered hook and whether this run created it. */
export interface RegisteredInline {
  hook: InlineHook;
  created: boolean;
}

/** Create or update okhook's inline hook of this type for `hookUrl`, then make it ACTIVE. */
export async function registerInlineHook(o: RegisterInlineOptions): Promise<RegisteredInline> {
  const eventType = INLINE_EVENT_TYPES[o.type];
  o.onProgress?.(`looking up okhook's ${o.type} inline hook`);
  const existing = await findInlineHook(o, eventType);
  o.signal?.throwIfAborted();
  const { type: _type, ...replaceBody } = inlineHookBody(o, eventType);
  let hook: InlineHook;
  if (existing) {
    o.onHookId?.(existing.id);
    o.onProgress?.(`updating Okta inline hook ${existing.id} to ${o.hookUrl}`);
    hook = await o.api.replace(existing.id, replaceBody);
  } else {
    o.onProgress?.(`creating Okta ${o.type} inline hook "${o.name}"`);
    hook = await o.api.create(inlineHookBody(o, eventType));
    o.onHookId?.(hook.id);
  }
  o.signal?.throwIfAborted();
  if (hook.status !== "ACTIVE") {
    o.onProgress?.(`activating Okta inline hook ${hook.id}`);
    hook = await o.api.activate(hook.id);
  }
  return { hook, created: !existing };
}

async function findInlineHook(
  o: RegisterInlineOptions,
  eventType: string,
): Promise<InlineHook | undefined> {
  if (o.knownId) {
    try {
      const known = await o.api.get(o.knownId);
      if (known.type === eventType) return known;
    } catch (err) {
      if (!(err instanceof RemoteApiError && err.status === 404)) throw err;
    }
  }
  return (await o.api.list(eventType)).find((h) => h.name === o.name && h.type === eventType);
}

/** The create body: HTTP channel, POST, header auth when a secret is set. */
export function inlineHookBody(
  o: Pick<RegisterInlineOptions, "name" | "hookUrl" | "secret" | "authHeader">,
  eventType: string,
): InlineHookInput {
  return {
    name: o.name,
    type: eventType,
    version: "1.0.0",
    channel: {
      type: "HTTP",
      version: "1.0.0",
      config: {
        uri: o.hookUrl,
        method: "POST",
        headers: [],
        ...(o.secret !== undefined
          ? {
              authScheme: {
                type: "HEADER" as const,
                key: headerKey(o.authHeader),
                value: o.secret,
              },
            }
          : {}),
      },
    },
  };
}
