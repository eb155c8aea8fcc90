import type { OkhookEnv } from "../config.js";
import type { ReconcileProgress } from "../reconcile/run.js";
import { colorFor } from "./format.js";
import { oktaWaitText, worthALine } from "./okta-wait.js";

/** Minimum time between two progress redraws. */
export const PROGRESS_REDRAW_MS = 100;

/** Where progress goes: stderr, TTY or not. */
export interface ProgressStream {
  isTTY?: boolean;
  write: (s: string) => unknown;
}

/**
 * Reconcile progress on stderr. On a TTY: one redrawn line (queries, pages, waits, backfill).
 * Elsewhere (piped, CI) only the waits, one line each, so a long pause is never silent.
 */
export function progressLine(
  stream: ProgressStream,
  env: OkhookEnv,
  now: () => number = Date.now,
): { update: (p: ReconcileProgress) => void; done: () => void } {
  if (!stream.isTTY) {
    return {
      update: (p) => {
        if (p.type === "wait" && worthALine(p.wait)) {
          stream.write(`okhook: ${oktaWaitText(p.wait)}\n`);
        }
      },
      done: () => {},
    };
  }
  const c = colorFor(stream, env);
  let shown = false;
  let last = 0;
  let base = "";
  return {
    update: (p) => {
      const text = progressText(p, base);
      if (p.type === "page" || p.type === "backfill") base = text;
      const t = now();
      if (p.type === "page" && t - last < PROGRESS_REDRAW_MS) return;
      last = t;
      shown = true;
      stream.write(`\r\x1b[2K${c.dim(text)}`);
    },
    done: () => {
      if (shown) stream.write("\r\x1b[2K");
    },
  };
}

function progressText(p: ReconcileProgress, base: string): string {
  switch (p.type) {
    case "query":
      return `System Log query ${p.index}/${p.total}…`;
    case "page":
      return `System Log: ${p.pages} pages, ${num(p.events)} events`;
    case "wait":
      return base ? `${base} — ${oktaWaitText(p.wait)}` : oktaWaitText(p.wait);
    case "local":
      return "Reading this window's receipts from the local database…";
    case "hook":
      return `Reading the event types hook ${p.hookId} is subscribed to…`;
    case "backfill":
      return `Backfill: ${num(p.sentEvents)}/${num(p.totalEvents)} events sent`;
  }
}

function num(n: number): string {
  return n.toLocaleString("en-US");
}
