import type { ChalkInstance } from "chalk";
import type { OkhookEnv } from "../config.js";
import type { BackfillResult } from "../reconcile/backfill.js";
import type { DeliveryFailure } from "../reconcile/delivery-failures.js";
import type { CategoryCounts, ReportedEvent } from "../reconcile/diff.js";
import type { KnownHook } from "../reconcile/filters.js";
import type { ReconcileResult } from "../reconcile/run.js";
import { shortId } from "../store/ids.js";
import { guardOutput, safe, toJson } from "../text/sanitize.js";
import { padEnd, textWidth } from "../text/width.js";
import { colorFor, duration, pad, plural, statusColor } from "./format.js";

const LIST_TYPES_SHOWN = 5;

/** The full report as one JSON document (every detail, nothing capped). */
export function reconcileJson(result: ReconcileResult): string {
  const { report, selection, ...rest } = result;
  // inSync first: the one field a script checks.
  const { inSync, ...details } = report;
  const described = { ...selection, description: selectionText(result, false) };
  return `${toJson({ inSync, ...rest, selection: described, ...details }, 2)}\n`;
}

/** A warning line for stderr. */
export function warningLine(message: string, stream: { isTTY?: boolean }, env: OkhookEnv): string {
  return `${colorFor(stream, env).yellow("okhook: warning:")} ${safe(message)}\n`;
}

/** Options of the text report. */
export interface TextOptions {
  stream: { isTTY?: boolean };
  env: OkhookEnv;
  /** How many details per category were kept (for the "first N" note). */
  maxDetails?: number;
}

/** The report for humans: header, summary, per-type table, first details, backfill, verdict. */
export function reconcileText(result: ReconcileResult, o: TextOptions): string {
  const c = colorFor(o.stream, o.env);
  const out: string[] = [...header(c, result), "", ...summary(c, result), ""];
  const types = typeTable(c, result.report.byEventType, result.report.strict);
  if (types.length > 0) out.push(...types, "");
  const details = detailSections(c, result);
  if (details.length > 0) out.push(...details);
  if (result.backfill) out.push(...backfillLines(c, result.backfill), "");
  out.push(verdict(c, result));
  // System Log text (display messages, actor names) is written by whoever acted in the org
  return guardOutput(`${out.join("\n")}\n`);
}

function header(c: ChalkInstance, r: ReconcileResult): string[] {
  const w = r.window;
  const lines = [
    `${c.bold("Okta")} ${r.org} · System Log ${w.since} → ${w.until}`,
    `Compared: ${safe(selectionText(r))}`,
    c.dim(`Read ${plural(r.pages, "page")}, ${plural(r.events, "event")}.`),
  ];
  if (w.localSince !== w.since) lines.push(c.dim(`Local events compared from ${w.localSince}.`));
  return lines;
}

/**
 * Which event types were compared and where that set came from (text and --json); the
 * text lists the first few types, --json has them all in `selection.types`.
 */
function selectionText(r: ReconcileResult, listed = true): string {
  const { source, types, hook } = r.selection;
  const narrow = "pass --hook-id or --event-type";
  if (types === null) {
    return `every hook-eligible event type (no hook known and none received in the window; ${narrow} to narrow)`;
  }
  const shown = types.slice(0, LIST_TYPES_SHOWN).join(", ");
  const more = types.length > LIST_TYPES_SHOWN ? `, +${types.length - LIST_TYPES_SHOWN}` : "";
  const list = listed ? ` (${shown}${more})` : "";
  const n = `${types.length} event type${types.length === 1 ? "" : "s"}`;
  if (source === "flag") return `${n} from --event-type${list}`;
  if (source === "hook" && hook) {
    return `the ${n} hook ${hook.id} is subscribed to, read from Okta (${hookFound(hook)})${list}`;
  }
  return `the ${n} received in the window${list}; a type that never arrived is not checked (${narrow})`;
}

function hookFound(hook: KnownHook): string {
  if (hook.from === "--hook-id") return "hook id --hook-id";
  if (hook.from === "database") return "hook id remembered by okhook listen --register";
  return `the hook at the listener's last URL, ${hook.url ?? "?"}`;
}

function summary(c: ChalkInstance, r: ReconcileResult): string[] {
  const k = r.report.counts;
  const bad = (n: number) => (n > 0 ? c.red(num(n)) : c.green("0"));
  // Reported, but in sync all the same unless --strict.
  const note = r.report.strict ? bad : (n: number) => (n > 0 ? c.yellow(num(n)) : c.green("0"));
  const rows: [string, string][] = [
    ["in System Log", num(k.inLog)],
    ["received", num(k.received)],
    ["missing", bad(k.missing)],
    ["duplicated", note(k.duplicated)],
    ["unexpected", bad(k.unexpected)],
    [`late (> ${Math.round(r.report.lateThresholdMs / 1000)} s)`, note(k.late)],
  ];
  if (r.hookId !== null) rows.push(["delivery failures", note(k.deliveryFailures)]);
  return rows.map(([label, value]) => `  ${pad(label, 20)}${padStart(value, 9)}`);
}

const TYPE_COLUMNS: [keyof CategoryCounts, string][] = [
  ["inLog", "IN LOG"],
  ["received", "RECEIVED"],
  ["missing", "MISSING"],
  ["duplicated", "DUPLICATED"],
  ["unexpected", "UNEXPECTED"],
  ["late", "LATE"],
];

function typeTable(
  c: ChalkInstance,
  byType: Record<string, CategoryCounts>,
  strict: boolean,
): string[] {
  const names = Object.keys(byType).sort();
  const shown = new Map(names.map((n) => [n, safe(n)]));
  if (names.length === 0) return [];
  const width = Math.max(10, ...names.map((n) => textWidth(shown.get(n)!))) + 2;
  const head = pad("EVENT TYPE", width) + TYPE_COLUMNS.map(([, h]) => padStart(h, 12)).join("");
  const lines = [c.dim(head)];
  for (const name of names) {
    const counts = byType[name]!;
    const cells = TYPE_COLUMNS.map(([key]) => {
      const v = num(counts[key]);
      if (key === "inLog" || key === "received" || counts[key] === 0) return padStart(v, 12);
      const problem = strict || key === "missing" || key === "unexpected";
      return padStart(problem ? c.red(v) : c.yellow(v), 12);
    });
    lines.push(pad(shown.get(name)!, width) + cells.join(""));
  }
  return lines;
}

function detailSections(c: ChalkInstance, r: ReconcileResult): string[] {
  const rep = r.report;
  const k = rep.counts;
  const out: string[] = [];
  const section = (title: string, total: number, lines: string[]) => {
    if (total === 0) return;
    const first = lines.length < total ? `, first ${lines.length}` : "";
    out.push(c.bold(`${title} (${num(total)}${first}):`), ...lines, "");
  };
  section("Missing — in the System Log, never received", k.missing, events(c, rep.missing));
  section(
    "Duplicated — received more than once",
    k.duplicated,
    events(
      c,
      rep.duplicated,
      (e) => `${c.yellow(`×${e.receivedCount}`)}  ${show(c, e.deliveryIds)}`,
    ),
  );
  section(
    "Unexpected — received, not in the System Log window",
    k.unexpected,
    events(c, rep.unexpected, (e) => show(c, e.deliveryIds)),
  );
  section(
    `Late — first received more than ${Math.round(rep.lateThresholdMs / 1000)} s after published`,
    k.late,
    events(
      c,
      rep.late,
      (e) => `${c.yellow(padEnd(`+${duration(e.delayMs)}`, 7))}  ${show(c, [e.deliveryId])}`,
    ),
  );
  section(
    "Okta delivery failures (event_hook.delivery)",
    k.deliveryFailures,
    rep.deliveryFailures.map((f) => failure(c, f)),
  );
  return out;
}

/**
 * One line per event, in columns: published, event type (padded to the longest in the
 * section), uuid, what the section adds (`extra`), and the display message last (any length).
 */
function events<E extends ReportedEvent>(
  c: ChalkInstance,
  list: readonly E[],
  extra?: (e: E) => string,
): string[] {
  const type = (e: E) => safe(e.eventType ?? "(unknown)");
  const width = Math.max(0, ...list.map((e) => textWidth(type(e))));
  return list.map((e) => {
    const more = extra ? `  ${extra(e)}` : "";
    const msg = e.displayMessage ? `  ${c.dim(safe(e.displayMessage))}` : "";
    return `  ${c.dim(safe(e.published ?? "—"))}  ${padEnd(type(e), width)}  ${safe(e.uuid)}${more}${msg}`;
  });
}

function show(c: ChalkInstance, deliveryIds: string[]): string {
  return c.cyan(`okhook show ${deliveryIds.map(shortId).join(" ")}`);
}

function failure(c: ChalkInstance, f: DeliveryFailure): string {
  const reason = f.outcome?.reason ? `  ${c.red(safe(f.outcome.reason))}` : "";
  const hooks = f.hookIds.length > 0 ? c.dim(`  hook ${safe(f.hookIds.join(", "))}`) : "";
  const msg = safe(f.displayMessage ?? "event hook delivery failed");
  return `  ${c.dim(safe(f.published ?? "—"))}  ${safe(f.uuid ?? "—")}  ${msg}${reason}${hooks}`;
}

function backfillLines(c: ChalkInstance, b: BackfillResult): string[] {
  const n = b.deliveries.length;
  const lines = [
    c.bold(
      `Backfill: ${plural(b.events, "missing event")} sent in ${plural(n, "delivery", "deliveries")}:`,
    ),
  ];
  const counts = b.deliveries.map((d) => plural(d.uuids.length, "event"));
  const countWidth = Math.max(0, ...counts.map((s) => s.length));
  b.deliveries.forEach((d, i) => {
    const ok = d.status !== null && d.status >= 200 && d.status < 300;
    const mark = ok ? c.green("✓") : c.red("✗");
    // no answer: — in the status column, the error in the reason (said once)
    const answer = d.status !== null ? statusColor(c, d.status) : c.red("—");
    const stored = d.storedBy === "listener" ? "stored by the listener" : "stored";
    const reason =
      d.status === 401 || d.status === 403
        ? "the target refused the auth header (pass --secret or set OKHOOK_SECRET)"
        : d.status === null && d.error && !d.reason.includes(d.error)
          ? safe(`${d.error}, ${d.reason}`)
          : safe(d.reason);
    lines.push(
      `  ${mark} ${pad(answer, 3)}  ${padStart(duration(d.durationMs), 6)}  ${safe(d.target)}  ${pad(counts[i]!, countWidth)}  ${c.cyan(`okhook show ${shortId(d.deliveryId)}`)}  ${c.dim(stored)}  ${c.dim(reason)}`,
    );
  });
  const all = b.acceptedEvents === b.events;
  const tally = `${num(b.acceptedEvents)} of ${plural(b.events, "event")} accepted`;
  lines.push(
    all
      ? c.green(`  ${tally}.`)
      : c.red(`  ${tally}; run the same command again to retry the rest.`),
  );
  return lines;
}

function verdict(c: ChalkInstance, r: ReconcileResult): string {
  const { counts: k, inSync, strict } = r.report;
  const notes = [
    k.duplicated > 0 ? `${num(k.duplicated)} duplicated (Okta delivers at least once)` : "",
    k.late > 0 ? `${num(k.late)} late` : "",
    k.deliveryFailures > 0
      ? `${num(k.deliveryFailures)} Okta delivery failure${k.deliveryFailures === 1 ? "" : "s"}`
      : "",
  ].filter(Boolean);
  if (inSync) {
    const all =
      k.inLog === 1
        ? "✓ In sync: the 1 System Log event in the window was received"
        : `✓ In sync: all ${num(k.inLog)} System Log events in the window were received`;
    if (notes.length === 0) return c.green(`${all} once, on time.`);
    return `${c.green(`${all}.`)} ${c.yellow(`Also reported: ${notes.join(", ")} (--strict counts these).`)}`;
  }
  const problems = [
    k.missing > 0 ? `${num(k.missing)} missing` : "",
    k.unexpected > 0 ? `${num(k.unexpected)} unexpected` : "",
    ...(strict ? notes : []),
  ].filter(Boolean);
  const hint =
    k.missing > 0 && !r.backfill
      ? ` Send the ${plural(k.missing, "missing event")} with --replay-missing.`
      : "";
  return c.red(`✗ Not in sync${strict ? " (--strict)" : ""}: ${problems.join(", ")}.${hint}`);
}

function num(n: number): string {
  return n.toLocaleString("en-US");
}

function padStart(s: string, width: number): string {
  const visible = textWidth(s);
  return visible >= width ? ` ${s}` : " ".repeat(width - visible) + s;
}
