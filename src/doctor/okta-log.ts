import type { EventHook, LogEvent } from "../okta/types.js";
import { failureConcernsHook, parseDeliveryFailure } from "../reconcile/delivery-failures.js";
import { type Check, fail, ok, skip, warn } from "./types.js";

/** The System Log window doctor reads. */
export const LOG_WINDOW_MS = 24 * 3_600_000;

/**
 * The System Log filter for hook verifications and delivery failures. Not narrowed to the
 * hook's id: where Okta names the hook in these events is undocumented (okta-reference §6),
 * so events are attributed afterwards, as reconcile does.
 */
export const HOOK_LOG_FILTER = `eventType eq "event_hook.verified" or eventType eq "event_hook.delivery"`;

/** The last `event_hook.verified` of these hooks in the window, and how it went. */
export function verifiedLogCheck(logs: readonly LogEvent[], hooks: readonly EventHook[]): Check {
  const id = "log.verified";
  const name = "last Verify (System Log, 24 h)";
  const last = latest(
    logs.filter((e) => e.eventType === "event_hook.verified" && targets(e, hooks)),
  );
  if (!last) return skip(id, name, "no verification attempt in the last 24 h");
  const when = last.published ?? "an unknown time";
  if (last.outcome?.result !== "FAILURE") return ok(id, name, `passed at ${when}`);
  const reason = reasonOf(last);
  const fix = /timed out/i.test(reason)
    ? "Okta got no answer within 3 s: see the public URL check above, then Verify again"
    : /deserialize/i.test(reason)
      ? "Okta's GET reached something that is not this listener (not JSON): check the hook's URL"
      : "fix what the checks above show, then Verify again";
  const hook = hooks.find((h) => targets(last, [h]));
  // A failed attempt on a hook that is VERIFIED now was followed by one that passed elsewhere.
  if (hook?.verificationStatus === "VERIFIED") {
    return warn(id, name, `failed at ${when}: ${reason} (the hook is VERIFIED now)`, fix);
  }
  return fail(id, name, `failed at ${when}: ${reason}`, fix);
}

/**
 * `event_hook.delivery` events of these hooks in the window: Okta logs only failures, so a
 * clean window proves nothing, and one before the listener started is history, not a fault.
 */
export function deliveryLogCheck(
  logs: readonly LogEvent[],
  hooks: readonly EventHook[],
  o: { listenerStartedAt?: string; capped: boolean },
): Check {
  const id = "log.deliveries";
  const name = "failed deliveries (System Log, 24 h)";
  const failures = logs.filter((e) => e.eventType === "event_hook.delivery" && targets(e, hooks));
  if (failures.length === 0) {
    return ok(id, name, "none (Okta logs only failures, never successes)");
  }
  const last = latest(failures)!;
  const count = `${failures.length}${o.capped ? "+" : ""}`;
  const when = last.published ?? "an unknown time";
  const reason = reasonOf(last);
  const detail = `${count} failed, the last at ${when}: ${reason}`;
  const replay = "okhook reconcile --since 24h --replay-missing sends what never arrived";
  const before =
    o.listenerStartedAt &&
    last.published &&
    Date.parse(last.published) < Date.parse(o.listenerStartedAt);
  if (before) {
    return warn(id, name, `${detail} (before this listener started)`, replay);
  }
  const cause = /timed out|timeout/i.test(reason)
    ? "Okta waited more than 3 s: the tunnel or the listener was down or stuck then"
    : /\b401\b/.test(reason)
      ? "the listener refused them: see the auth checks above"
      : "the listener or its tunnel did not take them: see the checks above";
  return fail(id, name, detail, `${cause}; ${replay}`);
}

/** The event names one of the hooks, or names no hook at all (kept rather than hidden, as reconcile does). */
function targets(e: LogEvent, hooks: readonly EventHook[]): boolean {
  const parsed = parseDeliveryFailure(e);
  return hooks.some((h) => failureConcernsHook(parsed, e, h.id));
}

function latest(events: readonly LogEvent[]): LogEvent | undefined {
  let best: LogEvent | undefined;
  for (const e of events) {
    if (!best || String(e.published ?? "") >= String(best.published ?? "")) best = e;
  }
  return best;
}

/** Okta documents no fields for these events (okta-reference §6): read every likely place. */
function reasonOf(e: LogEvent): string {
  const debug = e.debugContext?.debugData ?? {};
  const candidates = [e.outcome?.reason, debug.errorMessage, debug.error_message, e.displayMessage];
  const found = candidates.find((c) => typeof c === "string" && c.trim() !== "");
  return typeof found === "string" ? found.slice(0, 300) : "no reason given";
}
