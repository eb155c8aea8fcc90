import type { ChalkInstance } from "chalk";
import type { PreparedReplay, ReplayResult, ReplaySummary } from "../replay/types.js";
import { shortId } from "../store/ids.js";
import { guardOutput, safe, toJson } from "../text/sanitize.js";
import { padEnd, padStart } from "../text/width.js";
import { coalescedWriter } from "./coalesce.js";
import { colorFor, duration, eventsLabel, type RenderContext, statusColor } from "./format.js";
import { ProgressBar } from "./progress.js";

/** Shown instead of the auth header's value: a secret is never printed. */
export const SECRET_PLACEHOLDER = "[secret]";

/** Receives a replay run's plans, results and totals. */
export interface ReplayRenderer {
  plan: (p: PreparedReplay) => void;
  result: (r: ReplayResult, s: ReplaySummary) => void;
  done: (s: ReplaySummary) => void;
}

/**
 * NDJSON per delivery with `json`; otherwise one line per delivery, and on a TTY a progress
 * bar under the lines when there is more than one delivery.
 */
export function replayRenderer(o: {
  ctx: RenderContext;
  json: boolean;
  total: number;
  dryRun: boolean;
}): ReplayRenderer {
  const out = o.ctx.stdout;
  const { write, flush } = coalescedWriter(out);
  if (o.json) {
    return {
      plan: (p) => write(`${toJson(planJson(p))}\n`),
      result: (r) => write(`${toJson(resultJson(r))}\n`),
      done: flush,
    };
  }
  const c = colorFor(out, o.ctx.env);
  const bar = out.isTTY && o.total > 1 ? new ProgressBar(write, o.total, c) : undefined;
  // Stored headers and bodies came from the internet, and a target's error may quote what it
  // answered: fields are made safe where inserted, and each printed block is guarded again.
  return {
    plan: (p) =>
      bar ? bar.above(guardOutput(planText(c, p))) : write(guardOutput(planText(c, p))),
    result: (r, s) => {
      const line = `${guardOutput(resultLine(c, r))}\n`;
      if (!bar) return write(line);
      // the bar drawn under this line counts it
      bar.set(s.done, `${c.green(`✓ ${s.accepted}`)} ${c.red(`✗ ${s.done - s.accepted}`)}`);
      bar.above(line);
    },
    done: (s) => {
      bar?.clear();
      // Ctrl+C: the results so far are on stdout; cli.ts says on stderr where it stopped
      if (!s.interrupted || o.dryRun) write(`${summaryLine(c, s, o.dryRun)}\n`);
      flush();
    },
  };
}

/** Cells the events column of a result line takes (longer event types push the line on). */
const WHAT_WIDTH = 28;
/** Cells the duration column takes (`9999ms`, `12.3s`), right-aligned. */
const MS_WIDTH = 6;

/** `✓  200  7f3k2q9a  user.lifecycle.create +1      12ms  → http://…`, columns aligned. */
export function resultLine(c: ChalkInstance, r: ReplayResult): string {
  const mark = r.ok ? c.green("✓") : c.red("✗");
  const status = padEnd(r.status === null ? c.red("—") : statusColor(c, r.status), 3);
  const what = safe(
    r.eventUuid ? `event ${r.eventUuid}` : eventsLabel(r.eventCount, r.firstEventType),
  );
  const parts = [mark, status, c.bold(shortId(r.replayOf.id)), padEnd(what, WHAT_WIDTH)];
  if (r.target === null) return [...parts, c.red(`not sent: ${safe(r.error ?? "")}`)].join("  ");
  parts.push(padStart(duration(r.durationMs), MS_WIDTH), c.dim(`→ ${safe(r.target)}`));
  if (r.edited) parts.push(c.magenta(`edited, stored as ${shortId(r.deliveryId)}`));
  if (r.error) parts.push(c.red(safe(r.error)));
  if (r.slow) parts.push(c.yellow("slower than 3 s: Okta would have timed out"));
  return parts.join("  ");
}

/** The totals, or what a dry run would do. */
export function summaryLine(c: ChalkInstance, s: ReplaySummary, dryRun: boolean): string {
  const n = (k: number) => `${k} deliver${k === 1 ? "y" : "ies"}`;
  if (dryRun) return c.dim(`Dry run: ${n(s.done)} would be replayed; nothing was sent.`);
  if (s.done === 0) return c.dim("Nothing was replayed.");
  if (s.accepted === s.done) return c.green(`Replayed ${n(s.done)}: all accepted (2xx).`);
  const failed = [
    s.rejected ? `${s.rejected} not accepted` : "",
    s.unreachable ? `${s.unreachable} unreachable` : "",
  ].filter(Boolean);
  return `Replayed ${n(s.done)}: ${c.green(`${s.accepted} accepted`)}, ${c.red(failed.join(", "))}.`;
}

/** Method, URL, headers (secret hidden) and a body summary: what `--dry-run` prints. */
export function planText(c: ChalkInstance, p: PreparedReplay): string {
  const lines = [
    `${c.bold(safe(p.method))} ${safe(p.url)}  ${c.dim(`replay of ${shortId(p.original.id)}, attempt ${p.attempt}`)}`,
  ];
  for (const [name, value] of Object.entries(safeHeaders(p))) {
    for (const v of Array.isArray(value) ? value : [value])
      lines.push(`  ${c.dim(`${safe(name)}:`)} ${safe(v)}`);
  }
  lines.push(`  ${c.dim("body:")} ${bodySummary(p)}`);
  return `${lines.join("\n")}\n`;
}

function bodySummary(p: PreparedReplay): string {
  const types = p.events.map((e) => e.eventType ?? "?");
  const events = p.events.length
    ? `${p.events.length} event${p.events.length === 1 ? "" : "s"}: ${types.slice(0, 3).join(", ")}${types.length > 3 ? ", …" : ""}`
    : "no events";
  const how = p.edited ? `edited, would be stored as ${shortId(p.newId ?? "")}` : "original bytes";
  return safe(`${p.body.length} bytes, ${events} (${how})`);
}

/** Headers with the auth header's value replaced by a placeholder. */
export function safeHeaders(p: PreparedReplay): Record<string, string | string[]> {
  const out = { ...p.headers };
  if (out[p.authHeader] !== undefined) out[p.authHeader] = SECRET_PLACEHOLDER;
  return out;
}

/** One NDJSON object per replayed delivery. */
export function resultJson(r: ReplayResult): Record<string, unknown> {
  return {
    id: r.replayOf.id,
    shortId: shortId(r.replayOf.id),
    deliveryId: r.deliveryId,
    edited: r.edited,
    eventUuid: r.eventUuid ?? null,
    target: r.target,
    attempt: r.attempt,
    status: r.status,
    ok: r.ok,
    error: r.error,
    durationMs: Math.round(r.durationMs * 10) / 10,
    slow: r.slow,
    interrupted: r.interrupted,
  };
}

/** One NDJSON object per delivery a dry run would send. */
export function planJson(p: PreparedReplay): Record<string, unknown> {
  return {
    dryRun: true,
    id: p.original.id,
    shortId: shortId(p.original.id),
    eventUuid: p.eventUuid ?? null,
    method: p.method,
    url: p.url,
    attempt: p.attempt,
    headers: safeHeaders(p),
    edited: p.edited,
    bodyBytes: p.body.length,
    events: p.events.map((e) => ({ uuid: e.uuid, eventType: e.eventType })),
    body: p.body.toString("utf8"),
  };
}
