import type { ChalkInstance } from "chalk";
import { inlineRowLabel } from "../inline/types.js";
import { shortId } from "../store/ids.js";
import { carriesEvents, type DeliveryRow } from "../store/types.js";
import { guardOutput, safe, toJson } from "../text/sanitize.js";
import { textWidth, truncate } from "../text/width.js";
import {
  colorFor,
  duration,
  eventsLabel,
  kindColor,
  pad,
  type RenderContext,
  statusColor,
} from "./format.js";

/** Deliveries as one JSON document (headers included, bodies not). */
export function deliveriesJson(rows: DeliveryRow[]): string {
  return `${toJson(
    rows.map((r) => ({
      ...r,
      shortId: shortId(r.id),
      receivedAt: new Date(r.receivedAt).toISOString(),
    })),
    2,
  )}\n`;
}

/** The widest an EVENTS cell gets (event types, or method and path of other requests). */
const EVENTS_MAX = 40;
/** The widest a FORWARD cell gets (a failed forward's error is cut). */
const FORWARD_MAX = 24;

interface Cell {
  text: string;
  color?: (s: string) => string;
}

// One meaning per column, whatever the row: STATUS is what okhook answered the sender, AUTH
// how the auth header compared, DUP how many of its events were seen before, FORWARD only
// what forwarding did ("—" for requests that are never forwarded).
const COLUMNS = ["RECEIVED", "ID", "KIND", "EVENTS", "DUP", "STATUS", "AUTH", "FORWARD", "ACK"];

/** Deliveries as an aligned table for humans. */
export function deliveriesTable(rows: DeliveryRow[], ctx: RenderContext, dbPath: string): string {
  const c = colorFor(ctx.stdout, ctx.env);
  if (rows.length === 0) return guardOutput(`No deliveries match in ${safe(dbPath)}.\n`);
  const cells = rows.map((r) => rowCells(c, r));
  const widths = COLUMNS.map((h, i) =>
    Math.max(textWidth(h), ...cells.map((row) => textWidth(row[i]!.text))),
  );
  const line = (row: Cell[]) =>
    row
      .map((cell, i) => {
        const shown = cell.color ? cell.color(cell.text) : cell.text;
        return i === row.length - 1 ? shown : pad(shown, widths[i]!);
      })
      .join("  ");
  const lines = [c.dim(line(COLUMNS.map((text) => ({ text })))), ...cells.map(line)];
  lines.push(
    c.dim(
      `${rows.length} shown · details: okhook show <id> · older: --before ${shortId(rows.at(-1)!.id)}`,
    ),
  );
  return guardOutput(`${lines.join("\n")}\n`);
}

function rowCells(c: ChalkInstance, r: DeliveryRow): Cell[] {
  const events = carriesEvents(r.kind) || r.eventCount > 0;
  const what = events
    ? { text: safe(eventsLabel(r.eventCount, r.firstEventType)) }
    : r.kind === "inline"
      ? { text: inlineRowLabel(r), color: r.inlineApplied === false ? c.red : undefined }
      : { text: safe(`${r.method} ${r.path}`), color: c.dim };
  return [
    { text: localTime(r.receivedAt), color: c.dim },
    { text: shortId(r.id), color: c.bold },
    { text: r.kind, color: () => kindColor(c, r.kind) },
    { ...what, text: truncate(what.text, EVENTS_MAX) },
    { text: r.duplicateCount ? String(r.duplicateCount) : "", color: c.yellow },
    { text: String(r.status), color: () => statusColor(c, r.status) },
    authCell(c, r),
    forwardCell(c, r),
    { text: duration(r.ackMs) },
  ];
}

function authCell(c: ChalkInstance, r: DeliveryRow): Cell {
  if (r.auth === "ok") return { text: "ok", color: c.green };
  if (r.auth === "none") return { text: "—", color: c.dim };
  return { text: r.auth, color: c.red };
}

function forwardCell(c: ChalkInstance, r: DeliveryRow): Cell {
  switch (r.forwardState) {
    case "forwarded":
      return { text: `forwarded ${r.forwardStatus ?? ""}`.trim(), color: c.green };
    case "failed": {
      const why = r.forwardStatus !== null ? String(r.forwardStatus) : safe(r.forwardError ?? "");
      return { text: truncate(`failed ${why}`.trim(), FORWARD_MAX), color: c.red };
    }
    case "pending":
      return { text: "pending", color: c.yellow };
    default:
      // kept, no target configured; a request that carries no events is never forwarded
      return carriesEvents(r.kind)
        ? { text: "captured", color: c.dim }
        : { text: "—", color: c.dim };
  }
}

/** `2026-11-20 14:02:14` in local time. */
export function localTime(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
