import type { ChalkInstance } from "chalk";
import { forwardShown, shortKind } from "../delivery-shown.js";
import type { DeliverySummary, ForwardOutcome, InlineSummary } from "../events.js";
import { inlineTypeOf } from "../inline/types.js";
import { shortId } from "../store/ids.js";
import { carriesEvents } from "../store/types.js";
import { safe } from "../text/sanitize.js";
import { textWidth, truncate } from "../text/width.js";
import { authColor, clock, duration, eventsLabel, kindColor, pad, statusColor } from "./format.js";

/** Cells the events (or method and path) column of a compact line takes. */
const WHAT_WIDTH = 34;

/** Below this many cells a compact line drops its ack time and forward note (`width`). */
const FULL_LINE = 118;
/** The narrowest the events column gets on a narrow terminal. */
const WHAT_MIN = 12;

/**
 * The line printed when a delivery is stored: time received, id, kind, events, auth, status
 * sent and ack time. What forwarding does comes later, on `forwardLine`s with their own time,
 * so the output stays in time order. With `width` (a terminal's columns) the events are cut
 * to their column, and narrower than the full line the kind is abbreviated and the ack time
 * and forward note left out; without one (a pipe, a file) the line is whole.
 */
export function deliveryLine(c: ChalkInstance, d: DeliverySummary, width?: number): string {
  const narrow = width !== undefined && width < FULL_LINE;
  const dup = d.duplicateCount ? ` (${d.duplicateCount} dup)` : "";
  const base = carriesEvents(d.kind)
    ? eventsLabel(d.eventCount, d.firstEventType)
    : d.kind === "inline"
      ? `${inlineTypeOf(d.firstEventType) ?? "?"} hook request`
      : `${d.method} ${d.path}${d.reason ? ` ${d.reason}` : ""}`;
  // time, id, kind, auth and status take 12+8+8+12+3 cells and five gaps on a narrow line
  const whatWidth = narrow ? Math.max(WHAT_MIN, Math.min(WHAT_WIDTH, width - 53)) : WHAT_WIDTH;
  // into a pipe or a file (no width) nothing is cut: a long one only pushes its line's tail
  const shown = width === undefined ? safe(base) : truncate(safe(base), whatWidth - textWidth(dup));
  const what = carriesEvents(d.kind) ? shown : c.dim(shown);
  const parts = [
    c.dim(clock(d.receivedAt)),
    c.bold(shortId(d.id)),
    narrow
      ? pad(kindColor(c, d.kind, shortKind(d.kind)), 8)
      : pad(kindColor(c, d.kind, d.kind.length > 12 ? shortKind(d.kind) : d.kind), 12),
    pad(`${what}${dup ? c.yellow(dup) : ""}`, whatWidth),
    pad(authColor(c, d.auth), 12),
    statusColor(c, d.status),
  ];
  if (narrow) return parts.join("  ").trimEnd();
  parts.push(c.dim(`ack ${duration(d.ackMs)}`));
  const shownForward = forwardShown(d);
  if (shownForward === "pending") parts.push(c.dim("→ forwarding"));
  else if (shownForward === "captured") parts.push(c.dim("→ captured"));
  return parts.join("  ");
}

/**
 * A forward attempt's outcome, stamped with the time it is printed (when the attempt ended):
 * `14:02:11.497  7f3k2q9a  ↳ forwarded 200 in 12ms → http://localhost:3000/`.
 */
export function forwardLine(c: ChalkInstance, o: ForwardOutcome, at: number): string[] {
  const head = `${c.dim(clock(at))}  ${c.bold(shortId(o.deliveryId))}  `;
  const answer = o.status === null ? c.red(safe(o.error ?? "error")) : statusColor(c, o.status);
  const to = c.dim(`→ ${safe(o.target)}`);
  const tries = o.attempt > 1 ? c.dim(` (attempt ${o.attempt})`) : "";
  const lines: string[] = [];
  switch (o.next) {
    case "retry": {
      const wait = o.retryInMs === undefined ? "" : ` in ${duration(o.retryInMs)}`;
      lines.push(
        `${head}${c.yellow("↻")} attempt ${o.attempt}: ${answer} in ${duration(o.durationMs)}; retrying${wait} ${to}`,
      );
      break;
    }
    case "parked":
      lines.push(`${head}${c.yellow("↳ queued")}: target down, forwarded when it is back ${to}`);
      break;
    default: {
      const word = o.next === "forwarded" ? c.green("↳ forwarded") : c.red("↳ failed");
      lines.push(`${head}${word} ${answer} in ${duration(o.durationMs)}${tries} ${to}`);
    }
  }
  if (o.slow)
    lines.push(
      `${head}${c.yellow(`⚠ the target took ${duration(o.durationMs)} — Okta would have timed out here (3 s)`)}`,
    );
  return lines;
}

/**
 * An inline exchange's outcome: what the app answered and what Okta does with it, e.g.
 * `14:02:11.497  7f3k2q9a  ↳ app 200 in 42ms → APPLIED Okta issues the token with …`.
 */
export function inlineLine(c: ChalkInstance, x: InlineSummary, at: number): string[] {
  const head = `${c.dim(clock(at))}  ${c.bold(shortId(x.deliveryId))}  `;
  const app =
    x.status === null
      ? c.red(safe(x.error ?? "no answer"))
      : `${statusColor(c, x.status)} in ${duration(x.elapsedMs)}`;
  const sent = x.fallback ? c.yellow(` (okhook answered Okta ${x.replyStatus})`) : "";
  const mark = x.applied ? c.green("APPLIED") : c.red("NOT APPLIED");
  const more = x.problems
    ? c.dim(
        `  (${x.problems} finding${x.problems > 1 ? "s" : ""}: okhook show ${shortId(x.deliveryId)})`,
      )
    : "";
  return [`${head}${c.dim("↳ app")} ${app}${sent} ${c.dim("→")} ${mark} ${safe(x.okta)}${more}`];
}
