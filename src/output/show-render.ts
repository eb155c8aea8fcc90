import { forwardShown, writtenByOkhook } from "../delivery-shown.js";
import { shownHeaders } from "../http-headers.js";
import { DEFAULT_AUTH_HEADER } from "../okta/delivery.js";
import { shortId } from "../store/ids.js";
import type { AttemptRow, DeliveryRow, EventRow, InlineExchangeRow } from "../store/types.js";
import { guardOutput, jsonSafe, safe, safeLines, toJson } from "../text/sanitize.js";
import { localTime } from "./deliveries-table.js";
import {
  authColor,
  colorFor,
  duration,
  forwardColor,
  kindColor,
  pad,
  type RenderContext,
  statusColor,
} from "./format.js";
import { inlineJson, inlineSection } from "./inline-show.js";

/** One delivery with everything stored about it. */
export interface DeliveryDetail {
  delivery: DeliveryRow;
  body: Buffer | null;
  events: EventRow[];
  attempts: AttemptRow[];
  /** Answers to an inline hook request, oldest first. */
  inline?: InlineExchangeRow[];
}

/** Body as exact text when it is valid UTF-8, else base64. */
export function bodyForJson(body: Buffer | null): {
  body: string | null;
  bodyEncoding: "utf8" | "base64";
  payload: unknown;
} {
  if (!body) return { body: null, bodyEncoding: "utf8", payload: null };
  const text = body.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(body))
    return { body: body.toString("base64"), bodyEncoding: "base64", payload: null };
  let payload: unknown = null;
  try {
    payload = JSON.parse(text);
    // JSON.parse takes any depth, JSON.stringify overflows the stack past a few thousand
    // levels: a hostile body must not crash `show --json`.
    JSON.stringify(payload);
  } catch {
    // not JSON (or too deep to print): `body` still holds the exact text
    payload = null;
  }
  return { body: text, bodyEncoding: "utf8", payload };
}

/** The delivery as one JSON document: row, exact body, parsed payload, events, attempts. */
export function showJson(d: DeliveryDetail): string {
  return `${toJson(
    {
      ...d.delivery,
      shortId: shortId(d.delivery.id),
      receivedAt: new Date(d.delivery.receivedAt).toISOString(),
      ...bodyForJson(d.body),
      events: d.events,
      attempts: d.attempts.map((a) => ({ ...a, startedAt: new Date(a.startedAt).toISOString() })),
      ...(d.delivery.kind === "inline" ? { inline: inlineJson(d.inline ?? []) } : {}),
    },
    2,
  )}\n`;
}

/** `show tunnel-log --json`: the log file and its lines, control characters escaped. */
export function tunnelLogJson(file: string, text: string): string {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return `${toJson({ file, lines }, 2)}\n`;
}

/**
 * The delivery for humans. Everything in it came from the sender, so every field is made
 * safe where it is inserted, and the whole view is guarded once more before it is printed.
 */
export function showText(d: DeliveryDetail, ctx: RenderContext): string {
  const c = colorFor(ctx.stdout, ctx.env);
  const r = d.delivery;
  const row = (k: string, v: string) => `  ${c.dim(pad(k, 12))}${v}`;
  // a row okhook wrote (edited replay, backfill) was sent, not received: no sender, no answer
  const sent = writtenByOkhook(r);
  const out = [
    `${c.bold(`Delivery ${r.id}`)} ${c.dim(`(${shortId(r.id)})`)}`,
    sent
      ? row("Sent", `${localTime(r.receivedAt)} by ${sentBy(r)}`)
      : row("Received", `${localTime(r.receivedAt)} from ${safe(r.remoteAddr ?? "?")}`),
    row("Request", `${safe(r.method)} ${safe(r.path)} · ${r.size} bytes`),
    row("Kind", `${kindColor(c, r.kind)}${r.reason ? c.dim(` — ${safe(r.reason)}`) : ""}`),
  ];
  if (!sent)
    out.push(
      row(
        "Answered",
        `${statusColor(c, r.status)} in ${duration(r.ackMs)} · ${authColor(c, r.auth)}`,
      ),
    );
  out.push(
    row(
      "Forward",
      `${forwardColor(c, forwardShown(r))}${r.forwardStatus !== null ? ` ${statusColor(c, r.forwardStatus)}` : ""}${r.forwardError ? c.red(` ${safe(r.forwardError)}`) : ""}`,
    ),
  );
  if (r.replayOf && !sent) out.push(row("Replay of", safe(r.replayOf)));
  if (r.kind === "inline") {
    out.push(...inlineSection(c, r, d.inline ?? []));
  } else {
    out.push("", c.bold(`Events (${d.events.length})`));
    for (const e of d.events) out.push(...eventLines(c, e));
    out.push("", c.bold(`Attempts (${d.attempts.length})`));
    for (const a of d.attempts) out.push(`  ${attemptLine(c, a)}`);
    if (d.attempts.length === 0) out.push(c.dim("  none"));
  }
  out.push("", c.bold("Headers"));
  // The listener stored the auth value redacted; authorization is hidden here whatever was stored.
  for (const h of shownHeaders(r.headers, DEFAULT_AUTH_HEADER))
    out.push(`  ${c.dim(`${safe(h.name)}:`)} ${safe(h.value)}`);
  out.push("", c.bold("Body"), prettyBody(d.body));
  return guardOutput(`${out.join("\n")}\n`);
}

/** Which okhook command wrote a row it sent itself. */
function sentBy(r: DeliveryRow): string {
  if (r.kind === "backfill") return "okhook reconcile --replay-missing (events that never arrived)";
  return `okhook replay of ${safe(r.replayOf ?? "?")} (edited, so stored as a new delivery)`;
}

function eventLines(c: ReturnType<typeof colorFor>, e: EventRow): string[] {
  const lines = [
    `  ${pad(safe(e.eventType ?? "?"), 34)} ${c.dim(safe(e.uuid ?? "no uuid"))} ${c.dim(safe(e.published ?? ""))}${e.duplicate ? c.yellow(" duplicate") : ""}`,
  ];
  if (e.displayMessage)
    lines.push(
      `    ${safe(e.displayMessage)}${e.actor ? c.dim(` · by ${safe(e.actor)}`) : ""}${e.targets ? c.dim(` · ${safe(e.targets)}`) : ""}`,
    );
  return lines;
}

function attemptLine(c: ReturnType<typeof colorFor>, a: AttemptRow): string {
  const result =
    a.status !== null
      ? statusColor(c, a.status)
      : a.error !== null
        ? c.red(safe(a.error))
        : c.yellow("sent, no answer yet");
  const slow = a.slow ? c.yellow(" >3 s: Okta would have timed out") : "";
  return `#${a.attempt} ${pad(a.kind, 8)} ${localTime(a.startedAt)} → ${safe(a.target)}  ${result}  ${duration(a.durationMs)}${slow}`;
}

function prettyBody(body: Buffer | null): string {
  if (!body || body.length === 0) return "  (empty)";
  const { body: text, bodyEncoding, payload } = bodyForJson(body);
  if (bodyEncoding === "base64") return `  (binary, ${body.length} bytes; okhook show --body)`;
  // JSON: C0 controls come out escaped, the rest (C1, bidi) is escaped by jsonSafe; raw text
  // is shown with its controls as symbols.
  const shown =
    payload !== null ? jsonSafe(JSON.stringify(payload, null, 2)) : safeLines(text ?? "");
  return shown
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
