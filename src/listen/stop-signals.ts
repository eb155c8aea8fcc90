/** How `listen` is asked to stop. */
export interface StopControl {
  /** Aborted on the first SIGINT/SIGTERM/SIGHUP or `request`; the reason says which. */
  signal: AbortSignal;
  /** Ask to stop (the TUI's `q`). */
  request: (why: string) => void;
  /** Where a forced quit reads how many deliveries are left unforwarded. */
  whileStopping: (pending: () => number) => void;
}

/**
 * Take over SIGINT/SIGTERM/SIGHUP from cli.ts: the first one stops `listen` in order (exit 0);
 * a second one, while that shutdown still runs, quits at once (exit 130) and says what is left.
 */
export function stopOnSignals(ctx: {
  /** Aborted by a signal that came before this takeover. */
  signal: AbortSignal;
  /** Tell the process-wide handler that listen handles signals from now on. */
  ownSignals: (owned: boolean) => void;
  /** Quit at once (exit 130) saying what is lost. */
  forceQuit: (message: string) => never;
  /** What a forced quit leaves behind: a cloudflared to kill, an Okta hook left active. */
  running?: { cloudflared: boolean; registered: boolean };
}): StopControl {
  const controller = new AbortController();
  let pending: (() => number) | undefined;
  ctx.ownSignals(true);
  // A signal before this point reached only cli.ts's handler, which aborted ctx.signal.
  if (ctx.signal.aborted) controller.abort("signal");
  const handler = (sig: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort(sig === "SIGINT" ? "signal" : sig);
      return;
    }
    ctx.forceQuit(forcedQuitMessage(sig, pending, ctx.running));
  };
  // The handlers stay installed until exit: Ink's signal-exit re-raises a signal when it is
  // the only listener left, which would kill the shutdown half-way (exit 129 on SIGHUP).
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, handler);
  return {
    signal: controller.signal,
    request: (why) => {
      if (!controller.signal.aborted) controller.abort(why);
    },
    whileStopping: (fn) => {
      pending = fn;
    },
  };
}

function forcedQuitMessage(
  sig: NodeJS.Signals,
  pending: (() => number) | undefined,
  running: { cloudflared: boolean; registered: boolean } = { cloudflared: true, registered: true },
): string {
  const left: string[] = [];
  if (running.cloudflared) left.push("cloudflared killed");
  if (running.registered) left.push("the Okta hook registered with --register stays active");
  try {
    const n = pending?.() ?? 0;
    if (n > 0)
      left.push(
        `${n} stored ${n === 1 ? "delivery waits" : "deliveries wait"} to be forwarded by the next okhook listen`,
      );
  } catch {
    // the database is already closed: nothing is waiting that was not counted before
  }
  const what = left.length ? ` (${left.join("; ")})` : "";
  return `second ${sig === "SIGINT" ? "Ctrl+C" : sig}: quit without finishing the shutdown${what}`;
}
