import { clock, duration } from "../format-time.js";
import { shownHeaders } from "../http-headers.js";
import { OKTA_HOOK_TIMEOUT_MS } from "../okta/hook-types.js";
import type { AttemptRow, EventRow, HeaderPairs, InlineExchangeRow } from "../store/types.js";
import { bodyLines } from "./json-lines.js";
import { type Line, seg, type Tone } from "./text.js";
import type { DeliveryDetail } from "./types.js";

/** Tabs of the detail pane, in Tab order. */
export const DETAIL_TABS = ["events", "body", "headers", "attempts"] as const;
/** One detail tab. */
export type DetailTab = (typeof DETAIL_TABS)[number];

/** Label of each tab. */
export const TAB_LABELS: Record<DetailTab, string> = {
  events: "Events",
  body: "Body",
  headers: "Headers",
  attempts: "Attempts",
};

/** Display lines of one tab (the pane scrolls over them; lines are cut, never wrapped). */
export function tabLines(d: DeliveryDetail, tab: DetailTab, authHeader: string): Line[] {
  switch (tab) {
    case "events":
      return eventLines(d);
    case "body":
      return bodyLines(d.body);
    case "headers":
      return httpHeaderLines(d.delivery.headers, authHeader);
    case "attempts":
      return attemptLines(d.attempts);
  }
}

function eventLines(d: DeliveryDetail): Line[] {
  if (d.delivery.kind === "inline") return inlineLines(d.inline ?? []);
  if (d.events.length === 0) {
    const why = d.delivery.reason ? `: ${d.delivery.reason}` : "";
    return [[seg(`(no events: ${d.delivery.kind} request${why})`, "dim")]];
  }
  return d.events.flatMap((e) => oneEvent(e));
}

function oneEvent(e: EventRow): Line[] {
  const head: Line = [
    seg(`#${e.idx + 1} `, "dim"),
    seg(e.eventType ?? "(no eventType)", "accent", true),
  ];
  if (e.duplicate) head.push(seg("  duplicate (uuid seen before)", "warn"));
  const lines: Line[] = [
    head,
    [
      seg("   uuid ", "dim"),
      seg(e.uuid ?? "—"),
      seg("  published ", "dim"),
      seg(e.published ?? "—"),
      seg("  outcome ", "dim"),
      seg(e.outcome ?? "—", e.outcome === "SUCCESS" ? "ok" : e.outcome ? "warn" : "dim"),
    ],
  ];
  if (e.displayMessage) lines.push([seg("   "), seg(e.displayMessage)]);
  if (e.actor || e.targets)
    lines.push([
      seg("   actor ", "dim"),
      seg(e.actor ?? "—"),
      seg("  targets ", "dim"),
      seg(e.targets ?? "—"),
    ]);
  return lines;
}

/** The Headers tab: one line per stored HTTP header, the auth header's value [redacted]. */
export function httpHeaderLines(headers: HeaderPairs, authHeader: string): Line[] {
  if (headers.length === 0) return [[seg("(no headers stored)", "dim")]];
  return shownHeaders(headers, authHeader).map((h) => [
    seg(h.name, "key"),
    seg(": ", "punct"),
    h.redacted ? seg(h.value, "dim") : seg(h.value),
  ]);
}

function statusTone(status: number | null): Tone {
  if (status === null) return "bad";
  if (status < 300) return "ok";
  return status < 500 ? "warn" : "bad";
}

/** Attempt lines, newest first, so a replay just made is at the top. */
export function attemptLines(attempts: readonly AttemptRow[]): Line[] {
  if (attempts.length === 0)
    return [[seg("(no forward attempts: captured only, or not forwarded yet)", "dim")]];
  return [...attempts].reverse().flatMap((a) => {
    const head: Line = [
      seg(a.kind === "replay" ? "↻ replay " : "→ forward", a.kind === "replay" ? "accent" : "dim"),
      seg(` #${a.attempt} `, "dim"),
      a.status === null && a.error === null
        ? seg("sent, no answer yet", "warn", true)
        : seg(a.status === null ? "error" : String(a.status), statusTone(a.status), true),
      seg(` ${duration(a.durationMs)}`, a.slow ? "warn" : "plain"),
      seg(`  ${clock(a.startedAt)}  `, "dim"),
      seg(a.target),
    ];
    const lines: Line[] = [head];
    if (a.slow || (a.durationMs ?? 0) > OKTA_HOOK_TIMEOUT_MS)
      lines.push([seg("   ⚠ slower than 3 s: Okta would have timed out here", "warn")]);
    if (a.error) lines.push([seg("   error ", "dim"), seg(a.error, "bad")]);
    if (a.response) {
      const first = a.response.split(/\r?\n/)[0] ?? "";
      lines.push([seg("   response ", "dim"), seg(first)]);
    }
    return lines;
  });
}

/** An inline request's answers, newest first: what the app said, what Okta does, what is wrong. */
export function inlineLines(xs: readonly InlineExchangeRow[]): Line[] {
  if (xs.length === 0) return [[seg("(waiting for the app's answer)", "dim")]];
  return [...xs].reverse().flatMap((x) => {
    const head: Line = [
      seg(x.kind === "replay" ? "↻ replay " : "→ relay  ", x.kind === "replay" ? "accent" : "dim"),
      x.status === null
        ? seg(x.error ?? (x.timedOut ? "no answer" : "error"), "bad", true)
        : seg(String(x.status), statusTone(x.status), true),
      seg(
        ` ${duration(x.elapsedMs)}`,
        (x.elapsedMs ?? 0) > OKTA_HOOK_TIMEOUT_MS ? "warn" : "plain",
      ),
      seg(`  ${clock(x.startedAt)}  `, "dim"),
      seg(x.target ?? "no app"),
    ];
    if (x.fallback) head.push(seg(`  okhook answered Okta ${x.replyStatus}`, "warn"));
    const lines: Line[] = [
      head,
      [
        seg(x.applied ? "   APPLIED " : "   NOT APPLIED ", x.applied ? "ok" : "bad", true),
        seg(x.okta),
      ],
    ];
    for (const p of x.problems) {
      lines.push([
        seg(p.level === "error" ? "   ✗ " : "   ! ", p.level === "error" ? "bad" : "warn"),
        ...(p.at ? [seg(`${p.at}  `, "dim")] : []),
        seg(p.message),
      ]);
    }
    if (x.answer?.length)
      lines.push([
        seg("   answer ", "dim"),
        seg(x.answer.toString("utf8").split(/\r?\n/)[0] ?? ""),
      ]);
    return lines;
  });
}
