import { Box } from "ink";
import type { DeliveryRow } from "../store/types.js";
import { rowLayout, rowLine, titleLine } from "./row-format.js";
import { count, type Line, seg } from "./text.js";
import { LineView } from "./theme.js";

/** Props of the list: the loaded window and which part of it is on screen. */
export interface DeliveryListProps {
  rows: readonly DeliveryRow[];
  cursor: number;
  scrollTop: number;
  /** Rows of deliveries shown (the column titles take one more line). */
  height: number;
  width: number;
  replayed: ReadonlySet<number>;
  filtering: boolean;
}

/** First visible index that keeps the cursor on screen, whatever the store last assumed. */
export function visibleTop(
  cursor: number,
  scrollTop: number,
  height: number,
  total: number,
): number {
  let top = Math.min(scrollTop, cursor);
  if (cursor >= top + height) top = cursor - height + 1;
  return Math.max(0, Math.min(top, Math.max(0, total - height)));
}

/** The virtualised delivery list: only `height` rows are ever rendered. */
export function DeliveryList(p: DeliveryListProps) {
  const layout = rowLayout(p.width);
  const top = visibleTop(p.cursor, p.scrollTop, p.height, p.rows.length);
  const shown = p.rows.slice(top, top + p.height);
  return (
    <Box flexDirection="column" height={p.height + 1} overflow="hidden">
      <LineView line={titleLine(layout)} />
      {shown.length === 0 ? (
        <LineView line={emptyLine(p.filtering)} />
      ) : (
        shown.map((r, i) => (
          <LineView
            key={r.seq}
            inverse={top + i === p.cursor}
            line={rowLine(r, layout, {
              selected: top + i === p.cursor,
              replayed: p.replayed.has(r.seq),
            })}
          />
        ))
      )}
    </Box>
  );
}

function emptyLine(filtering: boolean): Line {
  return filtering
    ? [
        seg("  No delivery matches the filter. ", "dim"),
        seg("Esc", "accent"),
        seg(" clears it.", "dim"),
      ]
    : [
        seg("  No deliveries yet. Send one: ", "dim"),
        seg("okhook send fixture user.lifecycle.create", "accent"),
      ];
}

/** Props of the line above the list. */
export interface ListStatusProps {
  follow: boolean;
  filter: string;
  cursor: number;
  loaded: number;
  hasNewer: boolean;
  hasOlder: boolean;
  unseen: number;
  total: number;
  selectedSeq?: number;
  scanning?: number | null;
}

/** Follow state, filter, position and "new rows above" marker. */
export function listStatusLine(p: ListStatusProps): Line {
  const line: Line = [seg("Deliveries ", "title", true)];
  line.push(p.follow ? seg("● following", "ok") : seg("‖ paused (f follows)", "warn"));
  if (p.filter) line.push(seg("  filter ", "dim"), seg(p.filter, "accent", true));
  line.push(seg(`  ${position(p)}`, "dim"));
  if (p.scanning !== null && p.scanning !== undefined)
    line.push(seg(`  searching… (at #${count(p.scanning)})`, "warn"));
  if (p.hasNewer) line.push(seg("  ↑ newer rows above (g)", "warn"));
  else if (p.unseen > 0) line.push(seg(`  ↑ ${count(p.unseen)} new (g)`, "warn", true));
  return line;
}

/** Position of the cursor: by seq over the whole table when unfiltered, else in the window. */
function position(p: ListStatusProps): string {
  if (p.loaded === 0) return "empty";
  if (!p.filter && p.selectedSeq !== undefined && p.total >= p.selectedSeq)
    return `${count(p.total - p.selectedSeq + 1)} of ${count(p.total)}`;
  if (p.hasNewer) return `${count(p.loaded)} loaded`;
  return `${count(p.cursor + 1)} of ${count(p.loaded)}${p.hasOlder ? "+" : ""}`;
}
