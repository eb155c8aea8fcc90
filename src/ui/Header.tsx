import { Box } from "ink";
import type { Line } from "./text.js";
import { LineView } from "./theme.js";

/** URL to paste into Okta, secret (masked), tunnel, targets with health, counters. */
export function Header({ lines }: { lines: readonly Line[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed positional lines
        <LineView key={i} line={line} />
      ))}
    </Box>
  );
}
