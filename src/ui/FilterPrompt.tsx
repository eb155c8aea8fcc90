import { type Line, seg } from "./text.js";
import { LineView } from "./theme.js";

/** The `/` prompt: what is typed so far and how to finish. */
export function FilterPrompt({ text }: { text: string }) {
  const line: Line = [
    seg("/", "accent", true),
    seg(` ${text}`),
    seg("█", "accent"),
    seg("  Enter apply · Esc cancel · e.g. user.lifecycle.* failed 401 dana@", "dim"),
  ];
  return <LineView line={line} />;
}
