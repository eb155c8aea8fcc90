import { forwardShown, slowForward } from "../delivery-shown.js";
import { clock, duration } from "../format-time.js";
import { inlineRowLabel } from "../inline/types.js";
import { OKTA_HOOK_TIMEOUT_MS } from "../okta/hook-types.js";
import { shortId } from "../store/ids.js";
import type { AuthState, DeliveryKind, DeliveryRow } from "../store/types.js";
import { type Line, padTo, safe, seg, type Tone } from "./text.js";

/** Column widths for one terminal width (kind 0 = no kind column: it joins the type column). */
export interface RowLayout {
  width: number;
  time: number;
  kind: number;
  type: number;
}

const FIXED = {
  cursor: 1,
  marks: 3,
  id: 8,
  kind: 8,
  events: 3,
  auth: 7,
  forward: 11,
  ms: 6,
} as const;
/** Below this width the time loses its milliseconds and the kind joins the event type. */
const WIDE_COLUMNS = 100;

/** Widths for a terminal `width` columns wide: the event type takes what is left. */
export function rowLayout(width: number): RowLayout {
  const wide = width >= WIDE_COLUMNS;
  const time = wide ? 12 : 8;
  const kind = wide ? FIXED.kind : 0;
  const others = FIXED.cursor + FIXED.marks + FIXED.id + FIXED.events + FIXED.auth;
  const columns = [time, kind, others, FIXED.forward, FIXED.ms].reduce((a, b) => a + b, 0);
  // one space after the marks and between the following columns
  const gaps = kind ? 8 : 7;
  return { width, time, kind, type: Math.max(8, width - columns - gaps) };
}

const KIND_LABEL: Record<DeliveryKind, string> = {
  delivery: "delivery",
  verification: "verify",
  rejected: "rejected",
  invalid: "invalid",
  not_found: "404",
  method_not_allowed: "405",
  too_large: "413",
  fixture: "fixture",
  replay: "replay",
  backfill: "backfill",
  inline: "inline",
};

function kindTone(kind: DeliveryKind): Tone {
  if (
    kind === "delivery" ||
    kind === "fixture" ||
    kind === "replay" ||
    kind === "backfill" ||
    kind === "inline"
  )
    return "accent";
  return kind === "verification" ? "title" : "warn";
}

const AUTH: Record<AuthState, [string, Tone]> = {
  ok: ["ok", "ok"],
  none: ["—", "dim"],
  missing: ["missing", "bad"],
  wrong: ["wrong", "bad"],
};

/** What the forward column says, and in which tone. */
export function forwardLabel(r: DeliveryRow): [string, Tone] {
  const shown = forwardShown(r);
  switch (shown) {
    case "forwarded":
      return [`✓ ${r.forwardStatus ?? "ok"}`, "ok"];
    case "failed":
      return [`✗ ${r.forwardStatus ?? shortError(r.forwardError)}`, "bad"];
    case "pending":
      return ["… pending", "warn"];
    default:
      // Only what the forward did: a request that is not forwarded (verification, 401, 404…)
      // has none; what okhook answered it is in the kind column.
      return shown === "captured" ? ["captured", "dim"] : ["—", "dim"];
  }
}

function shortError(error: string | null): string {
  if (!error) return "error";
  if (error.startsWith("connection refused")) return "refused";
  if (error.startsWith("no answer")) return "timeout";
  return error.split(/[\s:(]/)[0] ?? "error";
}

/**
 * Markers: ≡ duplicate event uuid, ↻ replayed (by r now, or any okhook replay stored) or a
 * replay itself, ! slower than Okta's 3 s timeout.
 */
export function marks(r: DeliveryRow, replayed: boolean): Line {
  const slow = slowForward(r);
  return [
    r.duplicateCount > 0 ? seg("≡", "warn") : seg(" "),
    replayed || r.replayed || r.replayOf || r.kind === "replay" ? seg("↻", "accent") : seg(" "),
    slow ? seg("!", "bad", true) : seg(" "),
  ];
}

/** One list row as coloured segments, exactly `layout.width` characters wide or less. */
export function rowLine(
  r: DeliveryRow,
  layout: RowLayout,
  o: { selected: boolean; replayed: boolean },
): Line {
  const time = layout.time === 12 ? clock(r.receivedAt) : clock(r.receivedAt).slice(0, 8);
  let what =
    r.kind === "delivery" || r.eventCount > 0
      ? (r.firstEventType ?? "(no eventType)")
      : r.kind === "inline"
        ? `${inlineRowLabel(r)}${r.reason ? ` ${r.reason}` : ""}`
        : `${r.method} ${r.path}${r.reason ? ` ${r.reason}` : ""}`;
  if (!layout.kind && r.kind !== "delivery") what = `${KIND_LABEL[r.kind]} ${what}`;
  const [auth, authTone] = AUTH[r.auth];
  const [fwd, fwdTone] = forwardLabel(r);
  const gap = seg(" ");
  const kind = layout.kind
    ? [seg(padTo(KIND_LABEL[r.kind], layout.kind), kindTone(r.kind)), gap]
    : [];
  return [
    seg(o.selected ? "›" : " ", "accent", true),
    ...marks(r, o.replayed),
    gap,
    seg(time, "dim"),
    gap,
    seg(shortId(r.id), "plain", true),
    gap,
    ...kind,
    seg(padTo(r.eventCount ? String(r.eventCount) : "–", FIXED.events, "right"), "dim"),
    gap,
    // made safe before it is measured: `<U+202E>` is wider than the character it shows
    seg(padTo(safe(what), layout.type), r.kind === "delivery" ? "plain" : kindTone(r.kind)),
    gap,
    seg(padTo(auth, FIXED.auth), authTone),
    gap,
    seg(padTo(fwd, FIXED.forward), fwdTone),
    gap,
    seg(padTo(duration(r.forwardMs), FIXED.ms, "right"), slowTone(r.forwardMs)),
  ];
}

function slowTone(ms: number | null): Tone {
  return ms !== null && ms > OKTA_HOOK_TIMEOUT_MS ? "bad" : "dim";
}

/** The column titles above the list. */
export function titleLine(layout: RowLayout): Line {
  const t = (s: string, w: number, align: "left" | "right" = "left") => padTo(s, w, align);
  return [
    seg(
      [
        " ".repeat(FIXED.cursor + FIXED.marks),
        t("TIME", layout.time),
        t("ID", FIXED.id),
        ...(layout.kind ? [t("KIND", layout.kind)] : []),
        t("EV", FIXED.events, "right"),
        t("EVENT TYPE", layout.type),
        t("AUTH", FIXED.auth),
        t("FORWARD", FIXED.forward),
        t("MS", FIXED.ms, "right"),
      ].join(" "),
      "dim",
      true,
    ),
  ];
}
