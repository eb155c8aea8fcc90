import type { ChalkInstance } from "chalk";
import { forwardShown, shortKind, slowForward, writtenByOkhook } from "../delivery-shown.js";
import { inlineRowLabel } from "../inline/types.js";
import { shortId } from "../store/ids.js";
import { carriesEvents, type DeliveryRow } from "../store/types.js";
import { guardOutput, safe, toJson } from "../text/sanitize.js";
import { padEnd, textWidth, truncate } from "../text/width.js";
import {
  colorFor,
  duration,
  eventsLabel,
  forwardColor,
  kindColor,
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
/** How narrow EVENTS and FORWARD get on a narrow terminal before a row may wrap. */
const EVENTS_MIN = 12;
const FORWARD_MIN = 13;
const GAP = "  ";

interface Cell {
  text: string;
  color?: (s: string) => string;
  /** The same, shorter, for a narrow terminal (a date left out, a kind abbreviated). */
  short?: string;
}

// One meaning per column, whatever the row: STATUS is what okhook answered the sender, AUTH
// how the auth header compared, DUP how many of its events were seen before, FORWARD only
// what forwarding did ("—" for requests that are never forwarded).
const COLUMNS = ["RECEIVED", "ID", "KIND", "EVENTS", "DUP", "STATUS", "AUTH", "FORWARD", "ACK"];
type Column = (typeof COLUMNS)[number];

/**
 * Deliveries as an aligned table for humans. On a terminal it fits its width: short times
 * and kinds first, then without ACK (and an empty DUP), then EVENTS and FORWARD cut with "…";
 * into a pipe every column is full width.
 */
export function deliveriesTable(
  rows: DeliveryRow[],
  ctx: RenderContext,
  dbPath: string,
  now: number = Date.now(),
  /** Whether older rows may exist (the page was full): the footer says how to see them. */
  more = true,
): string {
  const c = colorFor(ctx.stdout, ctx.env);
  if (rows.length === 0) return guardOutput(`No deliveries match in ${safe(dbPath)}.\n`);
  const today = rows.every((r) => sameDay(r.receivedAt, now));
  const cells = rows.map((r) => rowCells(c, r, today));
  const table = fitColumns(
    COLUMNS.map((head, i) => ({ head, cells: cells.map((row) => row[i]!) })),
    ctx.stdout.isTTY ? ctx.stdout.columns : undefined,
  );
  const line = (row: Cell[]) =>
    row
      .map((cell, i) => {
        const text = truncate(cell.text, table[i]!.width);
        const shown = cell.color ? cell.color(text) : text;
        return i === row.length - 1 ? shown : padEnd(shown, table[i]!.width);
      })
      .join(GAP);
  const lines = [c.dim(line(table.map((col) => ({ text: col.head }))))];
  for (let r = 0; r < rows.length; r++) lines.push(line(table.map((col) => col.cells[r]!)));
  const slow = rows.some(slowForward)
    ? " · slow: the app took over 3 s (Okta would have timed out)"
    : "";
  lines.push(
    c.dim(
      `${rows.length} shown · details: okhook show <id>${more ? ` · older: --before ${shortId(rows.at(-1)!.id)}` : ""}${slow}`,
    ),
  );
  return guardOutput(`${lines.join("\n")}\n`);
}

interface FitColumn {
  head: Column;
  cells: Cell[];
  width: number;
}

/** Column widths for `columns` terminal cells (undefined: no limit), least useful cut first. */
function fitColumns(
  cols: { head: Column; cells: Cell[] }[],
  columns: number | undefined,
): FitColumn[] {
  const widthOf = (col: { head: string; cells: Cell[] }) =>
    Math.max(textWidth(col.head), ...col.cells.map((cell) => textWidth(cell.text)));
  let table: FitColumn[] = cols.map((col) => ({ ...col, width: widthOf(col) }));
  if (columns === undefined) return table;
  const total = () => table.reduce((n, col) => n + col.width, 0) + GAP.length * (table.length - 1);
  const steps: (() => void)[] = [
    // the short forms: a time without today's date, an abbreviated kind
    () => {
      table = table.map((col) => {
        const cells = col.cells.map((cell) => (cell.short ? { ...cell, text: cell.short } : cell));
        return { ...col, cells, width: widthOf({ head: col.head, cells }) };
      });
    },
    () => {
      table = table.filter((col) => col.head !== "ACK");
    },
    () => {
      table = table.filter((col) => col.head !== "DUP" || col.cells.some((cell) => cell.text));
    },
    () => shrink(table, "EVENTS", EVENTS_MIN, columns - total()),
    () => shrink(table, "FORWARD", FORWARD_MIN, columns - total()),
  ];
  for (const step of steps) if (total() > columns) step();
  return table;
}

/** Narrow one column by up to `-over` cells, not below `min`. */
function shrink(table: FitColumn[], head: Column, min: number, over: number): void {
  const col = table.find((t) => t.head === head);
  if (col && over < 0) col.width = Math.max(min, Math.min(col.width, col.width + over));
}

function rowCells(c: ChalkInstance, r: DeliveryRow, today: boolean): Cell[] {
  const sent = writtenByOkhook(r);
  const events = carriesEvents(r.kind) || r.eventCount > 0;
  const what = events
    ? { text: safe(eventsLabel(r.eventCount, r.firstEventType)) }
    : r.kind === "inline"
      ? { text: inlineRowLabel(r), color: r.inlineApplied === false ? c.red : undefined }
      : { text: safe(`${r.method} ${r.path}`), color: c.dim };
  const time = localTime(r.receivedAt);
  return [
    { text: time, color: c.dim, short: today ? time.slice(11) : time.slice(5, 16) },
    { text: shortId(r.id), color: c.bold },
    { text: r.kind, color: (s) => kindColor(c, r.kind, s), short: shortKind(r.kind) },
    { ...what, text: truncate(what.text, EVENTS_MAX) },
    { text: r.duplicateCount ? String(r.duplicateCount) : "", color: c.yellow },
    // okhook wrote it (an edited replay, a backfill): it answered no one
    sent
      ? { text: "—", color: c.dim }
      : { text: String(r.status), color: () => statusColor(c, r.status) },
    authCell(c, r, sent),
    forwardCell(c, r),
    { text: duration(r.ackMs) },
  ];
}

function authCell(c: ChalkInstance, r: DeliveryRow, sent: boolean): Cell {
  if (sent) return { text: "—", color: c.dim };
  if (r.auth === "ok") return { text: "ok", color: c.green };
  if (r.auth === "none") return { text: "—", color: c.dim };
  return { text: r.auth, color: c.red };
}

function forwardCell(c: ChalkInstance, r: DeliveryRow): Cell {
  // the app answered after Okta's 3 s: Okta would have timed out (the TUI's "!")
  const slow = slowForward(r);
  const mark = (color: (s: string) => string) => (s: string) =>
    slow && s.endsWith(" slow") ? `${color(s.slice(0, -5))} ${c.yellow("slow")}` : color(s);
  const shown = forwardShown(r);
  switch (shown) {
    case "forwarded":
      return {
        text: `forwarded ${r.forwardStatus ?? ""}`.trim() + (slow ? " slow" : ""),
        color: mark(c.green),
      };
    case "failed": {
      const why = r.forwardStatus !== null ? String(r.forwardStatus) : safe(r.forwardError ?? "");
      const text = truncate(`failed ${why}`.trim(), FORWARD_MAX - (slow ? 5 : 0));
      return { text: text + (slow ? " slow" : ""), color: mark(c.red) };
    }
    default:
      // pending, captured (kept, no target), or never forwarded (—)
      return { text: shown === "never" ? "—" : shown, color: (s) => forwardColor(c, shown, s) };
  }
}

function sameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

/** `2026-11-20 14:02:14` in local time. */
export function localTime(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
