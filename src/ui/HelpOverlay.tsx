import { Box } from "ink";
import { curlLines } from "./curl-lines.js";
import { type Line, seg } from "./text.js";
import { LineView } from "./theme.js";
import type { CurlView } from "./types.js";

/** Every key, grouped, as the help overlay lists them. */
export const HELP_KEYS: [string, string][] = [
  ["↑ ↓  j k", "move the selection (pauses following)"],
  ["PgUp PgDn", "page the list (in the detail pane: scroll it)"],
  ["g  Home", "newest delivery, and follow new ones"],
  ["G  End", "oldest delivery"],
  ["Enter", "open / close the detail pane"],
  ["Tab  Shift+Tab", "next / previous tab: Events · Body · Headers · Attempts"],
  ["J K  Ctrl+D Ctrl+U", "scroll the detail pane by a line"],
  ["/", "filter: event type glob, failed|pending|forwarded, rejected, 401, text"],
  ["Esc", "close overlay / prompt / detail, then clear the filter"],
  ["r", "replay the selected delivery to its target; shows the new attempt"],
  ["f", "follow new deliveries on / off"],
  ["c", "a curl command that re-sends the selection, and copies it"],
  ["s", "show the secret to paste into Okta for 5 s, then mask it again"],
  ["?", "this help"],
  ["q  Ctrl+C", "quit"],
];

const LEGEND: Line = [
  seg("Markers  ", "dim"),
  seg("≡", "warn"),
  seg(" duplicate event uuid   ", "dim"),
  seg("↻", "accent"),
  seg(" replay   ", "dim"),
  seg("!", "bad", true),
  seg(" slower than 3 s: Okta would time out", "dim"),
];

/** The help overlay. */
export function HelpOverlay({ height }: { height: number }) {
  const lines: Line[] = [
    [seg("Keys", "title", true), seg("   (Esc or ? closes)", "dim")],
    ...HELP_KEYS.map(([k, what]): Line => [seg(`  ${k.padEnd(20)}`, "accent", true), seg(what)]),
    [],
    LEGEND,
  ];
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {lines.slice(0, height).map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static positional lines
        <LineView key={i} line={line} />
      ))}
    </Box>
  );
}

/** The curl overlay: a command short enough to copy, wrapped cleanly at the screen width. */
export function CurlOverlay({
  curl,
  width,
  height,
}: {
  curl: CurlView;
  width: number;
  height: number;
}) {
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {curlLines(curl, width, height).map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static positional lines
        <LineView key={i} line={line} />
      ))}
    </Box>
  );
}
