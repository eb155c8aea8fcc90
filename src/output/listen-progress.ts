/** Erase the current terminal line. */
const CLEAR_LINE = "\r\u001b[2K";

/** Where a progress line goes and how `listen`'s other output shares the terminal with it. */
export interface ListenProgress {
  /** Show what is being waited for; undefined: the wait is over. */
  report: (message: string | undefined) => void;
  /** A writer for stdout that keeps a live progress line below the lines it prints. */
  wrap: (out: { write: (s: string) => unknown }) => { write: (s: string) => unknown };
}

/**
 * Progress on stderr: one line rewritten in place on a terminal, a line per message otherwise
 * (logs, CI). `flash` takes over while a full-screen UI owns the terminal.
 */
export function listenProgress(o: {
  stderr: { write: (s: string) => unknown; isTTY?: boolean; columns?: number };
  stdoutIsTTY: boolean;
  flash?: () => ((text: string) => void) | undefined;
}): ListenProgress {
  let shown: string | undefined;
  let last: string | undefined;
  const live = o.stderr.isTTY === true;
  const draw = () => {
    if (shown === undefined) return;
    const width = Math.max(20, (o.stderr.columns ?? 80) - 1);
    const text = `okhook: ${shown}`;
    o.stderr.write(`${CLEAR_LINE}${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
  };
  const clear = () => {
    if (live && shown !== undefined) o.stderr.write(CLEAR_LINE);
  };
  return {
    report: (message) => {
      if (message === last) return;
      last = message;
      const flash = o.flash?.();
      if (flash) {
        if (message !== undefined) flash(message);
        return;
      }
      if (!live) {
        if (message !== undefined) o.stderr.write(`okhook: ${message}\n`);
        return;
      }
      clear();
      shown = message;
      draw();
    },
    wrap: (out) =>
      live && o.stdoutIsTTY
        ? {
            write: (s: string) => {
              clear();
              const r = out.write(s);
              draw();
              return r;
            },
          }
        : out,
  };
}
