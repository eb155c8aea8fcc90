import type { Counters, DeliveryRow } from "../store/types.js";
import { type DetailTab, tabLines } from "./detail-lines.js";
import type { Flash } from "./header-state.js";
import type { Line } from "./text.js";
import type {
  CurlView,
  DeliveryDetail,
  DeliverySource,
  HeaderInfo,
  ReplayOutcome,
} from "./types.js";

/** Session events arriving within this window are applied as one update. */
export const BATCH_MS = 50;
/** Counters are re-read at most this often (they scan the session's rows). */
export const COUNTERS_EVERY_MS = 1000;
/** `okhook ui` looks for rows written by another process this often. */
export const POLL_MS = 500;
/** Status messages stay this long. */
export const FLASH_MS = 6000;
/** The `s` key shows the secret this long, then masks it again. */
export const REVEAL_MS = 5000;

/** An overlay drawn over the list. */
export type Overlay = "help" | "curl" | null;

/** Everything the components render; a new object on every change (useSyncExternalStore). */
export interface ViewState {
  rows: readonly DeliveryRow[];
  cursor: number;
  scrollTop: number;
  hasNewer: boolean;
  hasOlder: boolean;
  follow: boolean;
  /** Rows that arrived above the view while not following. */
  unseen: number;
  filter: string;
  /** Filter text being typed after `/` (null when the prompt is closed). */
  prompt: string | null;
  overlay: Overlay;
  curl: CurlView | null;
  detailOpen: boolean;
  tab: DetailTab;
  detail: DeliveryDetail | null;
  lines: readonly Line[];
  detailScroll: number;
  counters: Counters | null;
  total: number;
  header: HeaderInfo;
  flash: Flash | null;
  replayed: ReadonlySet<number>;
  busy: string | null;
  stopping: boolean;
  /** The header shows the secret unmasked (the `s` key); the value itself is not in the state. */
  secretShown: boolean;
  /** A filter scan is still walking the table (seq it has reached). */
  scanning: number | null;
}

/** The state before anything happened, around a loaded window. */
export function initialState(
  header: HeaderInfo,
  counters: Counters,
  total: number,
): Omit<ViewState, "rows" | "cursor" | "scrollTop" | "hasNewer" | "hasOlder"> {
  return {
    follow: true,
    unseen: 0,
    filter: "",
    prompt: null,
    overlay: null,
    curl: null,
    detailOpen: false,
    tab: "events",
    detail: null,
    lines: [],
    detailScroll: 0,
    counters,
    total,
    header,
    flash: null,
    replayed: new Set(),
    busy: null,
    stopping: false,
    secretShown: false,
    scanning: null,
  };
}

/** Display lines of the current detail tab (none without a detail). */
export function linesFor(s: Pick<ViewState, "detail" | "tab" | "header">): Line[] {
  return s.detail ? tabLines(s.detail, s.tab, s.header.authHeader) : [];
}

/** State with the detail of `row` loaded (kept when it is already that row's). */
export function withDetail(
  s: ViewState,
  row: DeliveryRow | undefined,
  source: Pick<DeliverySource, "detail">,
): ViewState {
  if (!row) return { ...s, detail: null, lines: [], detailScroll: 0 };
  if (s.detail?.delivery.seq === row.seq) return s;
  const next = { ...s, detail: source.detail(row.seq) ?? null, detailScroll: 0 };
  return { ...next, lines: linesFor(next) };
}

/** State with the open detail re-read, or null when nothing it shows changed. */
export function withReloadedDetail(
  s: ViewState,
  source: Pick<DeliverySource, "detail">,
  viewport: number,
): ViewState | null {
  const cur = s.detail;
  if (!cur || !s.detailOpen) return null;
  const next = source.detail(cur.delivery.seq);
  if (!next || !detailChanged(cur, next)) return null;
  const lines = linesFor({ ...s, detail: next });
  return {
    ...s,
    detail: next,
    lines,
    detailScroll: clampScroll(s.detailScroll, lines.length, viewport),
  };
}

/** Scroll offset kept inside the content. */
export function clampScroll(n: number, lines: number, viewport: number): number {
  return Math.max(0, Math.min(n, lines - viewport));
}

/** Whether a re-read detail differs in what the pane shows as it changes (attempts, state). */
export function detailChanged(cur: DeliveryDetail, next: DeliveryDetail): boolean {
  // an attempt row is written before its request goes out and completed by the answer
  const answers = (d: DeliveryDetail) =>
    [...d.attempts, ...(d.inline ?? [])].map((a) => `${a.status}:${a.error}`).join();
  return (
    answers(next) !== answers(cur) ||
    next.delivery.forwardState !== cur.delivery.forwardState ||
    next.delivery.duplicateCount !== cur.delivery.duplicateCount
  );
}

/** The status message after a replay. */
export function replayFlash(o: ReplayOutcome): Flash {
  if (!o.target) return { text: `replay not sent: ${o.error ?? "no target"}`, tone: "warn" };
  const result = o.status === null ? (o.error ?? "error") : String(o.status);
  const ms = `${Math.round(o.durationMs)}ms`;
  return {
    text: `replayed → ${o.target}: ${result} in ${ms}${o.attempt ? ` (attempt ${o.attempt})` : ""}`,
    tone: o.ok ? "ok" : "bad",
  };
}
