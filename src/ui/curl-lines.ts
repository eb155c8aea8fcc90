import { type Line, seg } from "./text.js";
import type { CurlView } from "./types.js";

/**
 * The command's lines at `width`: groups packed greedily, every line but the last ending in
 * ` \` and the next indented, so the lines pasted together are the same command. A group
 * wider than the screen (a huge header value) is split hard: still drawn, never garbling.
 */
export function wrapCommand(parts: readonly string[], width: number): string[] {
  const max = Math.max(10, width - 2);
  const lines: string[] = [];
  let cur: string | null = null;
  for (const p of parts) {
    if (cur !== null && cur.length + 1 + p.length <= max) {
      cur += ` ${p}`;
      continue;
    }
    if (cur !== null) lines.push(cur);
    cur = `${cur === null ? "" : "  "}${p}`;
  }
  if (cur !== null) lines.push(cur);
  return lines
    .map((l, i) => (i < lines.length - 1 ? `${l} \\` : l))
    .flatMap((l) => chunk(l, Math.max(1, width)));
}

function chunk(s: string, width: number): string[] {
  if (s.length <= width) return [s];
  const out: string[] = [];
  for (let i = 0; i < s.length; i += width) out.push(s.slice(i, i + width));
  return out;
}

/** The curl overlay's lines: title, whether it was copied, then the command, fitted to `height`. */
export function curlLines(v: CurlView, width: number, height: number): Line[] {
  const head: Line[] = [
    [seg("curl", "title", true), seg("  re-sends the selected delivery  (Esc closes)", "dim")],
    v.copy.copied ? [seg(`✓ ${v.copy.note}`, "ok")] : [seg(v.copy.note, "warn")],
    [],
  ];
  const body = wrapCommand(v.parts, width).map((l): Line => [seg(l)]);
  const room = Math.max(1, height - head.length);
  if (body.length <= room) return [...head, ...body];
  const shown = body.slice(0, room - 1);
  return [...head, ...shown, [seg(`… ${body.length - shown.length} more lines`, "dim")]];
}
