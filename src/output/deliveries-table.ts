import type { CliContext } from "../commands/context.js";
import { shortId } from "../store/ids.js";
import { carriesEvents, type DeliveryRow } from "../store/types.js";
import {
  authColor,
  colorFor,
  duration,
  eventsLabel,
  forwardColor,
  kindColor,
  pad,
  statusColor,
} from "./format.js";

/** Deliveries as one JSON document (headers included, bodies not). */
export function deliveriesJson(rows: DeliveryRow[]): string {
  return `${JSON.stringify(
    rows.map((r) => ({
      ...r,
      shortId: shortId(r.id),
      receivedAt: new Date(r.receivedAt).toISOString(),
    })),
    null,
    2,
  )}\n`;
}

/** Deliveries as an aligned table for humans. */
export function deliveriesTable(rows: DeliveryRow[], ctx: CliContext, dbPath: string): string {
  const c = colorFor(ctx.stdout, ctx.env);
  if (rows.length === 0) return `No deliveries match in ${dbPath}.\n`;
  const header = [
    pad("RECEIVED", 20),
    pad("ID", 9),
    pad("KIND", 12),
    pad("EVENTS", 36),
    pad("AUTH", 10),
    pad("SENT", 5),
    pad("FORWARD", 18),
    "ACK",
  ];
  const lines = [c.dim(header.join(" "))];
  for (const r of rows) {
    const fwd =
      r.forwardState === "none"
        ? forwardColor(c, r.forwardState)
        : `${forwardColor(c, r.forwardState)}${r.forwardStatus !== null ? ` ${statusColor(c, r.forwardStatus)}` : ""}`;
    const events =
      r.eventCount > 0 || carriesEvents(r.kind)
        ? `${eventsLabel(r.eventCount, r.firstEventType)}${r.duplicateCount ? c.yellow(" dup") : ""}${r.replayOf ? c.magenta(" replay") : ""}`
        : c.dim(`${r.method} ${r.path}`.slice(0, 36));
    lines.push(
      [
        pad(c.dim(localTime(r.receivedAt)), 20),
        pad(c.bold(shortId(r.id)), 9),
        pad(kindColor(c, r.kind), 12),
        pad(events, 36),
        pad(authColor(c, r.auth), 10),
        pad(statusColor(c, r.status), 5),
        pad(fwd, 18),
        duration(r.ackMs),
      ].join(" "),
    );
  }
  if (rows.length > 0)
    lines.push(
      c.dim(
        `${rows.length} shown · details: okhook show <id> · older: --before ${shortId(rows.at(-1)!.id)}`,
      ),
    );
  return `${lines.join("\n")}\n`;
}

/** `2026-11-20 14:02:14` in local time. */
export function localTime(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
