import type { ChalkInstance } from "chalk";
import { shortId } from "../store/ids.js";
import type { InlineExchangeRow } from "../store/types.js";
import { guardOutput, safe, toJson } from "../text/sanitize.js";
import { exchangeLines, inlineJson } from "./inline-show.js";

/** One inline replay: the new answer beside the last one, each with Okta's verdict. */
export interface InlineReplayShown {
  id: string;
  type: string;
  before: InlineExchangeRow | undefined;
  after: InlineExchangeRow;
}

/** Before and after, for humans; `changed` says whether Okta's verdict moved. */
export function inlineReplayText(c: ChalkInstance, r: InlineReplayShown): string {
  const changed =
    r.before && (r.before.applied !== r.after.applied || r.before.okta !== r.after.okta);
  const head = `${c.bold(`Replay of ${shortId(r.id)}`)} (${safe(r.type)} inline hook)${
    r.before ? (changed ? c.yellow("  verdict changed") : c.dim("  same verdict")) : ""
  }`;
  const lines = [head];
  if (r.before) lines.push(c.dim("  before:"), ...exchangeLines(c, r.before));
  lines.push(c.dim("  now:"), ...exchangeLines(c, r.after), "");
  return guardOutput(lines.join("\n"));
}

/** One JSON line per replay: `{id, type, before, after}`. */
export function inlineReplayJson(r: InlineReplayShown): string {
  const [after] = inlineJson([r.after]);
  const before = r.before ? inlineJson([r.before])[0] : null;
  return `${toJson({ id: r.id, type: r.type, before, after })}\n`;
}
