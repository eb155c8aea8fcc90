import type { Flash } from "./header-state.js";
import { type Line, seg } from "./text.js";
import { LineView } from "./theme.js";

/** Props of the status line. */
export interface FooterProps {
  flash: Flash | null;
  busy: string | null;
  stopping: boolean;
  detailOpen: boolean;
  /** There is a secret `s` can show. */
  secret?: boolean;
  /** Screen width: the `s` hint is left out when the line would not fit. */
  width?: number;
}

const LIST_HINTS: [string, string][] = [
  ["↑↓", "move"],
  ["Enter", "detail"],
  ["/", "filter"],
  ["r", "replay"],
  ["f", "follow"],
  ["c", "curl"],
  ["?", "help"],
  ["q", "quit"],
];

const DETAIL_HINTS: [string, string][] = [
  ["↑↓", "delivery"],
  ["Tab", "tab"],
  ["PgUp/PgDn", "scroll"],
  ["r", "replay"],
  ["c", "curl"],
  ["Esc", "close"],
  ["?", "help"],
  ["q", "quit"],
];

const SECRET_HINT: [string, string] = ["s", "secret"];

/** Visible width of a hint line (without the trailing gap). */
function hintsWidth(hints: [string, string][]): number {
  return hints.reduce((n, [k, what]) => n + k.length + what.length + 3, 0) - 2;
}

/** The status line: a message when there is one, otherwise the main keys. */
export function footerLine(p: FooterProps): Line {
  if (p.stopping) return [seg("Stopping: finishing forwards, then closing the database…", "warn")];
  if (p.busy) return [seg(p.busy, "warn")];
  if (p.flash) return [seg(p.flash.text, p.flash.tone)];
  let hints = p.detailOpen ? DETAIL_HINTS : LIST_HINTS;
  if (p.secret && !p.detailOpen) {
    const withSecret = [...hints.slice(0, -2), SECRET_HINT, ...hints.slice(-2)];
    if (p.width === undefined || hintsWidth(withSecret) <= p.width) hints = withSecret;
  }
  return hints.flatMap(([k, what]) => [seg(k, "accent", true), seg(` ${what}  `, "dim")]);
}

/** The bottom line of the screen. */
export function Footer(p: FooterProps) {
  return <LineView line={footerLine(p)} />;
}
