// `okhook inline execute`: have Okta itself call the inline hook (POST
// /api/v1/inlineHooks/{id}/execute, "for testing purposes", OAS executeInlineHook) with a
// request of its type, through the hook's channel: the tunnel, okhook's listener, the app.
// Okta returns the app's own answer when it fits the type's contract (not Okta's
// interpretation), else a 400; okhook judges the returned answer with the linter.
import { hostname } from "node:os";
import { UsageError } from "../errors.js";
import type { ExecuteResult, InlineHook, InlineHooksApi } from "../okta/inline-hooks.js";
import { lintAnswer } from "./lint.js";
import { INLINE_EVENT_TYPES, type InlineTypeName, type InlineVerdict } from "./types.js";

/** Which hook to execute: an id, the one okhook registered, or the only one of the type. */
export async function pickInlineHook(
  api: InlineHooksApi,
  type: InlineTypeName,
  o: { hookId?: string; knownId?: string },
): Promise<InlineHook> {
  if (o.hookId) return api.get(o.hookId);
  const eventType = INLINE_EVENT_TYPES[type];
  const all = await api.list(eventType);
  const mine =
    all.find((h) => h.id === o.knownId) ??
    all.find((h) => h.name === `okhook ${type} ${hostname()}`);
  if (mine) return mine;
  const active = all.filter((h) => h.status === "ACTIVE");
  if (active.length === 1) return active[0]!;
  if (all.length === 0) {
    throw new UsageError(
      `the org has no ${type} inline hook: start okhook listen --register-inline ${type}, or pass --hook-id`,
    );
  }
  const ids = all.map((h) => `${h.id} "${h.name}" ${h.status}`).join(", ");
  throw new UsageError(
    `the org has ${all.length} ${type} inline hooks (${ids}): pass --hook-id <id>`,
  );
}

/** What execute returned and okhook's verdict on the app's answer inside it. */
export interface ExecuteOutcome {
  hook: InlineHook;
  result: ExecuteResult;
  /** Undefined when Okta refused (its 400 is the verdict). */
  verdict?: InlineVerdict;
}

/** Execute `request` on `hook` and judge the answer Okta returns. */
export async function executeInline(o: {
  api: InlineHooksApi;
  hook: InlineHook;
  type: InlineTypeName;
  request: unknown;
}): Promise<ExecuteOutcome> {
  const result = await o.api.execute(o.hook.id, o.request);
  if (!result.ok) return { hook: o.hook, result };
  const body = Buffer.from(JSON.stringify(result.response ?? {}));
  // Okta has already waited for the call (3 s) and checked it parses: time and status are its.
  const verdict = lintAnswer({
    type: o.type,
    request: o.request,
    status: 200,
    headers: { "content-type": "application/json" },
    body,
    elapsedMs: 0,
  });
  return { hook: o.hook, result, verdict };
}
