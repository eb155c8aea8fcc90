import { Box } from "ink";
import { writtenByOkhook } from "../delivery-shown.js";
import { shortId } from "../store/ids.js";
import { DETAIL_TABS, type DetailTab, TAB_LABELS } from "./detail-lines.js";
import { clipLine, count, type Line, seg } from "./text.js";
import { LineView, useColor } from "./theme.js";
import type { DeliveryDetail } from "./types.js";

/** Props of the detail pane. */
export interface DetailPaneProps {
  detail: DeliveryDetail | null;
  tab: DetailTab;
  lines: readonly Line[];
  scroll: number;
  /** Lines of tab content shown (title and tab bar take two more). */
  height: number;
  width: number;
}

/** The selected delivery: a summary line, the tab bar and the scrollable tab content. */
export function DetailPane(p: DetailPaneProps) {
  const color = useColor();
  const top = Math.max(0, Math.min(p.scroll, p.lines.length - p.height));
  const shown = p.lines.slice(top, top + p.height);
  return (
    <Box flexDirection="column" height={p.height + 2} overflow="hidden">
      <LineView line={p.detail ? summaryLine(p.detail) : [seg("Nothing selected", "dim")]} />
      <LineView line={tabBar(p, top, color)} />
      {shown.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional within the scroll window
        <LineView key={top + i} line={clipLine(line, p.width)} />
      ))}
    </Box>
  );
}

function summaryLine(d: DeliveryDetail): Line {
  const r = d.delivery;
  const size = r.size < 1024 ? `${r.size} B` : `${(r.size / 1024).toFixed(1)} KiB`;
  // a row okhook wrote (edited replay, backfill) answered no one: who sent it instead
  const sent = writtenByOkhook(r);
  return [
    seg("─ ", "dim"),
    seg(shortId(r.id), "accent", true),
    seg(sent ? `  ${r.method} ${r.path}  sent by okhook` : `  ${r.method} ${r.path} → ${r.status}`),
    seg(`  ${r.kind}`, "dim"),
    seg(`  ${r.eventCount} event${r.eventCount === 1 ? "" : "s"}`, "dim"),
    ...(sent
      ? []
      : [seg(`  auth ${r.auth}`, r.auth === "ok" || r.auth === "none" ? "dim" : "bad")]),
    seg(`  ${size}`, "dim"),
    seg(`  ${new Date(r.receivedAt).toISOString()}`, "dim"),
    seg(`  ${r.id}`, "dim"),
  ];
}

function tabBar(p: DetailPaneProps, top: number, color: boolean): Line {
  const line: Line = [];
  for (const t of DETAIL_TABS) {
    const inline = p.detail?.delivery.kind === "inline";
    const label =
      t === "attempts" && p.detail
        ? `${TAB_LABELS[t]} (${p.detail.attempts.length})`
        : t === "events" && inline
          ? `Answers (${p.detail?.inline?.length ?? 0})`
          : TAB_LABELS[t];
    const active = t === p.tab;
    // without colour the active tab is bracketed so it stays visible
    const text = active && !color ? `[${label}]` : ` ${label} `;
    line.push(seg(text, active ? "accent" : "dim", active), seg("│", "dim"));
  }
  if (p.lines.length > p.height) {
    const end = Math.min(p.lines.length, top + p.height);
    line.push(
      seg(`  ${count(top + 1)}–${count(end)} of ${count(p.lines.length)} lines (PgUp/PgDn)`, "dim"),
    );
  }
  line.push(seg("  Tab next tab", "dim"));
  return line;
}
