import type { EventBus } from "../events.js";
import { colorFor } from "../output/format.js";
import { type OutputMode, plainRenderer, type StatusInfo } from "../output/listen-renderer.js";
import { VERSION } from "../version.js";

export { pendingNote } from "../output/listen-renderer.js";

import type { CliContext } from "./context.js";

/** Attach the plain renderer for `listen`; returns a detach function. */
export function attachOutput(o: {
  mode: OutputMode;
  bus: EventBus;
  ctx: CliContext;
  info: Omit<StatusInfo, "version">;
  /** Where the lines go (default: stdout). */
  out?: { write: (s: string) => unknown };
}): () => void {
  const c = colorFor(o.ctx.stdout, o.ctx.env);
  const out = o.out ?? o.ctx.stdout;
  return o.bus.on(plainRenderer(o.mode, out, c, { ...o.info, version: VERSION }));
}
