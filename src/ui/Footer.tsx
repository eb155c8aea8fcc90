import type { Flash } from "./header-state.js";
import { type Line, seg } from "./text.js";
import { LineView } from "./theme.js";

/** Props of the status line. */
export interface FooterProps {
  flash: Flash | null;
  busy: string | null;
  stopping: boolean;
  detailOpen: boolean;
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

/** The status line: a message when there is one, otherwise the main keys. */
export function footerLine(p: FooterProps): Line {
  if (p.stopping) return [seg("Stopping: finishing forwards, then closing the database…", "warn")];
  if (p.busy) return [seg(p.busy, "warn")];
  if (p.flash) return [seg(p.flash.text, p.flash.tone)];
  return (p.detailOpen ? DETAIL_HINTS : LIST_HINTS).flatMap(([k, what]) => [
    seg(k, "accent", true),
    seg(` ${what}  `, "dim"),
  ]);
}

/** The bottom line of the screen. */
export function Footer(p: FooterProps) {
  return <LineView line={footerLine(p)} />;
}
