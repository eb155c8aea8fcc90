import type { EventBus } from "../events.js";
import { colorFor } from "../output/format.js";
import { type OutputMode, plainRenderer, type StatusInfo } from "../output/listen-renderer.js";
import { VERSION } from "../version.js";
import type { CliContext } from "./context.js";

/** Attach the plain renderer for `listen`; returns a detach function. */
export function attachOutput(o: {
  mode: OutputMode;
  bus: EventBus;
  ctx: CliContext;
  info: Omit<StatusInfo, "version">;
}): () => void {
  const c = colorFor(o.ctx.stdout, o.ctx.env);
  return o.bus.on(plainRenderer(o.mode, o.ctx.stdout, c, { ...o.info, version: VERSION }));
}
