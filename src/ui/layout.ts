import type { TerminalSize } from "./use-terminal-size.js";

/** How the screen is divided, in lines. */
export interface ScreenLayout {
  /** Lines Ink draws (one less than the terminal, so Ink never clears the whole screen). */
  height: number;
  width: number;
  /** Delivery rows in the list (its column titles take one more line). */
  listRows: number;
  /** Tab content lines in the detail pane (0 when closed). */
  detailRows: number;
  /** Lines available to an overlay (list + detail area). */
  bodyRows: number;
}

/** Share of the body the list keeps while the detail pane is open. */
const LIST_SHARE_WITH_DETAIL = 0.35;
/** The list keeps at least this many rows next to the detail pane. */
const MIN_LIST_ROWS = 3;

/** Split the terminal into header, list status, list, detail pane and footer. */
export function screenLayout(
  size: TerminalSize,
  detailOpen: boolean,
  headerLines: number,
): ScreenLayout {
  const height = Math.max(12, size.rows - 1);
  const width = Math.max(40, size.columns);
  // header + list status line + footer
  const bodyRows = Math.max(4, height - headerLines - 2);
  if (!detailOpen) return { height, width, listRows: bodyRows - 1, detailRows: 0, bodyRows };
  const listRows = Math.max(MIN_LIST_ROWS, Math.floor((bodyRows - 1) * LIST_SHARE_WITH_DETAIL));
  // list titles + detail summary + tab bar
  const detailRows = Math.max(1, bodyRows - 1 - listRows - 2);
  return { height, width, listRows, detailRows, bodyRows };
}
