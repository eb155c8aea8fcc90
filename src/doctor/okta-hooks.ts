import type { VerifyResult } from "../fixtures/verify.js";
import type { SecretSource } from "../listen/secret.js";
import { isEligible, isKnownNotEligible } from "../okta/event-types.js";
import { ACTIVE_HOOK_LIMIT } from "../okta/register.js";
import type { EventHook } from "../okta/types.js";
import { type Check, fail, ok, skip, warn } from "./types.js";

/** Okta's limit of event types per hook. */
export const EVENT_TYPES_PER_HOOK = 300;
/** Hostnames of cloudflared quick tunnels: they die with their cloudflared. */
const QUICK_TUNNEL_HOST = /\.trycloudflare\.com$/i;
const CONSOLE = "Admin Console > Workflow > Event Hooks";

/** What the listener expects of the hook that feeds it. */
export interface HookExpectation {
  /** The listener's public URL + hook path now (undefined: none to compare with). */
  hookUrl?: string;
  header: string;
  secretSource: SecretSource;
  /** The hook id `listen --register` remembered for this org. */
  knownId?: string;
  /** The name `listen --register` gives the hook on this machine (`okhook <hostname>`). */
  registerName: string;
}

/** The hooks that are this listener's: at its URL, remembered by --register, or named by it. */
export function findOurHooks(hooks: readonly EventHook[], e: HookExpectation): EventHook[] {
  return hooks.filter(
    (h) =>
      (e.hookUrl !== undefined && h.channel?.config?.uri === e.hookUrl) ||
      (e.knownId !== undefined && h.id === e.knownId) ||
      h.name === e.registerName,
  );
}

/** No hook feeds this listener: nothing will ever arrive. */
export function noHookCheck(e: HookExpectation, orgUrl: string): Check {
  const url = e.hookUrl ?? "the listener's public URL";
  return fail(
    "hook",
    "event hook",
    `no event hook in ${orgUrl} points at ${url}`,
    `okhook listen --register creates one; or in the ${CONSOLE}: Create, URL ${url}, Authentication field ${e.header}, secret: okhook secret`,
  );
}

/** One hook: status, verification, URI, auth header name, subscriptions. */
export function hookChecks(h: EventHook, e: HookExpectation): Check[] {
  const label = `hook "${h.name}"`;
  const at = `${CONSOLE} > ${h.name} > Actions`;
  const checks: Check[] = [];
  checks.push(
    h.status === "ACTIVE"
      ? ok("hook.status", `${label} status`, `ACTIVE (${h.id})`)
      : fail(
          "hook.status",
          `${label} status`,
          `${h.status}: Okta sends it nothing`,
          `activate it: ${at} > Activate (okhook listen --register does this for its hook)`,
        ),
  );
  checks.push(
    h.verificationStatus === "VERIFIED"
      ? ok("hook.verified", `${label} verification`, "VERIFIED")
      : fail(
          "hook.verified",
          `${label} verification`,
          `${h.verificationStatus}: Okta delivers only to verified hooks`,
          `verify it: ${at} > Verify (the listener answers the challenge), or okhook listen --register`,
        ),
  );
  checks.push(uriCheck(h, e, label));
  checks.push(authCheck(h, e, label));
  checks.push(subscriptionsCheck(h, label));
  return checks;
}

function uriCheck(h: EventHook, e: HookExpectation, label: string): Check {
  const name = `${label} URL`;
  const uri = h.channel?.config?.uri ?? "";
  if (!e.hookUrl)
    return skip("hook.uri", name, `${uri} (the listener has no public URL to compare)`);
  if (uri === e.hookUrl) return ok("hook.uri", name, `${uri}, the listener's public URL`);
  return fail(
    "hook.uri",
    name,
    `points at ${uri}, but the listener is at ${e.hookUrl}`,
    `edit the hook's URL to ${e.hookUrl} and Verify (a quick tunnel's URL changes every run: okhook listen --register keeps it pointed)`,
  );
}

function authCheck(h: EventHook, e: HookExpectation, label: string): Check {
  const name = `${label} auth header`;
  const key = h.channel?.config?.authScheme?.key?.toLowerCase();
  if (e.secretSource === "none") {
    return ok(
      "hook.auth",
      name,
      `${key ?? "none"}; the listener checks no secret (it accepts any request)`,
    );
  }
  if (!key) {
    return fail(
      "hook.auth",
      name,
      `Okta sends no auth header, the listener wants ${e.header}: every delivery gets 401`,
      `set the hook's Authentication field to ${e.header} and its secret to the output of: okhook secret`,
    );
  }
  if (key !== e.header) {
    return fail(
      "hook.auth",
      name,
      `Okta sends the secret in ${key}, the listener reads ${e.header}: every delivery gets 401`,
      `restart listen with --auth-header ${key}, or set the hook's Authentication field to ${e.header}`,
    );
  }
  return ok(
    "hook.auth",
    name,
    `${key}, as the listener expects (Okta never shows the secret; a wrong one shows as auth rejections)`,
  );
}

function subscriptionsCheck(h: EventHook, label: string): Check {
  const name = `${label} event types`;
  const items = Array.isArray(h.events?.items) ? h.events.items : [];
  const filtered = h.events?.filter ? ", a filter is set" : ", no filter";
  const shown = `${items.slice(0, 3).join(", ")}${items.length > 3 ? ", …" : ""}`;
  if (items.length > EVENT_TYPES_PER_HOOK) {
    return fail(
      "hook.events",
      name,
      `${items.length} event types: Okta allows ${EVENT_TYPES_PER_HOOK}`,
      "subscribe to fewer types (okhook listen --register --events 'user.lifecycle.*,…')",
    );
  }
  const notEligible = items.filter((t) => isKnownNotEligible(t) || !isEligible(t));
  if (notEligible.length > 0) {
    return warn(
      "hook.events",
      name,
      `${notEligible.join(", ")}: not hook-eligible (Okta logs them but never delivers them)`,
      "subscribe to eligible types instead (Okta's event types catalog, tag event-hook-eligible)",
    );
  }
  if (h.events?.filter) {
    return warn(
      "hook.events",
      name,
      `${items.length} (${shown})${filtered}: Okta drops events the filter rejects, and Preview ignores it`,
      "if an expected event never comes, check the filter in the hook's Edit page",
    );
  }
  return ok("hook.events", name, `${items.length} (${shown})${filtered}`);
}

/** Active hooks of others that point at dead quick tunnels: they hold slots of Okta's 25. */
export function staleHooksCheck(
  hooks: readonly EventHook[],
  ours: readonly EventHook[],
  probes: ReadonlyMap<string, VerifyResult>,
): Check {
  const name = "stale hooks";
  const active = hooks.filter((h) => h.status === "ACTIVE" && h.verificationStatus === "VERIFIED");
  const dead = staleCandidates(hooks, ours).filter((h) => probes.get(h.id)?.verified === false);
  const slots = `${active.length} of Okta's ${ACTIVE_HOOK_LIMIT} active hooks in use`;
  if (active.length >= ACTIVE_HOOK_LIMIT) {
    return fail(
      "hooks.stale",
      name,
      `${slots}${dead.length ? `, ${dead.length} at dead quick tunnels` : ""}: no new hook can be activated`,
      `deactivate or delete unused hooks in the ${CONSOLE}`,
    );
  }
  if (dead.length === 0) return ok("hooks.stale", name, `none at dead quick tunnels (${slots})`);
  const list = dead
    .slice(0, 3)
    .map((h) => `"${h.name}" (${hostOf(h)})`)
    .join(", ");
  return warn(
    "hooks.stale",
    name,
    `${dead.length} active hook${dead.length > 1 ? "s" : ""} point${dead.length > 1 ? "" : "s"} at quick tunnels that no longer answer: ${list}${dead.length > 3 ? ", …" : ""} (${slots})`,
    `deactivate or delete them in the ${CONSOLE}`,
  );
}

/** Active hooks (not ours) at quick-tunnel URLs: the ones whose URL doctor probes. */
export function staleCandidates(
  hooks: readonly EventHook[],
  ours: readonly EventHook[],
): EventHook[] {
  const mine = new Set(ours.map((h) => h.id));
  return hooks.filter(
    (h) => h.status === "ACTIVE" && !mine.has(h.id) && QUICK_TUNNEL_HOST.test(hostOf(h)),
  );
}

function hostOf(h: EventHook): string {
  try {
    return new URL(h.channel?.config?.uri ?? "").hostname;
  } catch {
    return "";
  }
}
