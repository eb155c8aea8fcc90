import type { ChalkInstance } from "chalk";
import { forwardShown } from "../delivery-shown.js";
import { shortId } from "../store/ids.js";
import { guardOutput, safe, toJson } from "../text/sanitize.js";
import type { ConditionOutcome } from "../wait/match.js";
import type { ForwardInfo, NearMiss, WaitMatch, WaitReport } from "../wait/types.js";
import { clock, forwardColor } from "./format.js";

/** One counted event as a line: time stored, type, uuid, delivery, message, forwarding. */
export function waitMatchLine(m: WaitMatch, c: ChalkInstance): string {
  const e = (m.event ?? {}) as { displayMessage?: unknown };
  const message = typeof e.displayMessage === "string" ? `  ${safe(e.displayMessage)}` : "";
  // a matched event came in a delivery that carries events: kept with no target is "captured"
  const shown = forwardShown({ kind: "delivery", forwardState: m.forward.state });
  const forward = `${forwardColor(c, shown)}${m.forward.status ? ` ${m.forward.status}` : ""}`;
  const dup = m.duplicate ? c.yellow("  (duplicate delivery)") : "";
  return guardOutput(
    `${c.dim(clock(m.receivedAt))}  ${c.cyan(safe(m.eventType))}  ${safe(m.uuid ?? "(no uuid)")}  ${shortId(m.deliveryId)}${message}  ${forward}${dup}`,
  );
}

/** One counted event as an NDJSON line: where it was stored, forwarding, and the LogEvent itself. */
export function waitMatchJson(m: WaitMatch): string {
  const e = (m.event ?? {}) as { published?: unknown };
  return toJson({
    uuid: m.uuid,
    eventType: m.eventType,
    published: typeof e.published === "string" ? e.published : null,
    deliveryId: m.deliveryId,
    receivedAt: new Date(m.receivedAt).toISOString(),
    duplicate: m.duplicate,
    forward: m.forward,
    event: m.event ?? null,
  });
}

/** What the timeout message needs besides the report. */
export interface TimeoutContext {
  eventType: string;
  timeout: string;
  db: string;
  /** The running listener's URL, or undefined when none runs on the database. */
  listenerUrl?: string;
  listenerRunning: boolean;
  forwarded: boolean;
}

/**
 * Why the wait ended empty-handed, for stderr: how many counted, the closest misses and what
 * failed in each, what else arrived, and, when nothing came at all, where to look next.
 */
export function waitTimeoutLines(r: WaitReport, t: TimeoutContext): string[] {
  const type = safe(t.eventType);
  const lines = [
    `okhook: wait timed out after ${t.timeout}: ${r.counted} of ${r.wanted} matching ${type} event${r.wanted > 1 ? "s" : ""}${sameTypeNote(r)}`,
  ];
  for (const miss of r.closest) lines.push(`  closest: ${missLine(miss)}`);
  if (r.otherTypes.length > 0) {
    const shown = r.otherTypes.slice(0, 5).map((o) => `${o.count} ${safe(o.eventType)}`);
    lines.push(`  also arrived: ${shown.join(", ")}${r.otherTypes.length > 5 ? ", …" : ""}`);
  }
  if (r.seen === 0) lines.push(`  ${nothingArrived(t)}`);
  return lines.map(guardOutput);
}

function sameTypeNote(r: WaitReport): string {
  if (r.sameType === 0) return " (none of that type arrived)";
  const missed = r.sameType - r.counted;
  return missed > 0 ? ` (${r.sameType} of that type arrived, ${missed} did not match)` : "";
}

function missLine(m: NearMiss): string {
  const where = `${safe(m.uuid ?? "(no uuid)")} in ${shortId(m.deliveryId)} at ${clock(m.receivedAt)}`;
  if (m.forward) return `${where}: matched, but ${notForwarded(m.forward)}`;
  const why = m.failed.map(conditionMiss).join("; ");
  return `${where}: ${why}`;
}

function conditionMiss(o: ConditionOutcome): string {
  const path = safe(o.condition.pathText);
  const wanted = safe(JSON.stringify(o.condition.text));
  if (o.found === 0) return `${path} is missing (wanted ${wanted})`;
  const seen = o.seen.map(safe).join(", ");
  if (o.found === 1) return `${path} is ${seen}, not ${wanted}`;
  return `${path} holds ${seen}${o.found > o.seen.length ? ", …" : ""}, none ${wanted}`;
}

function notForwarded(f: ForwardInfo): string {
  if (f.state === "none")
    return "the listener forwards nowhere (no --forward-to), so --forwarded cannot hold";
  if (f.state === "pending") return "the app has not taken it yet (still pending)";
  const answer = f.status ? `answered ${f.status}` : safe(f.error ?? "did not answer");
  return `the app ${answer}, not 2xx`;
}

function nothingArrived(t: TimeoutContext): string {
  if (!t.listenerRunning) {
    return `nothing arrived: no okhook listen is running on ${safe(t.db)} (start one, or pass the --db it uses)`;
  }
  return `nothing arrived at ${safe(t.listenerUrl ?? "the listener")}: is Okta's hook pointing at it? okhook doctor checks every link`;
}
