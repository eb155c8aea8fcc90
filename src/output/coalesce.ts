/** Flush at this many buffered characters even within one event-loop turn. */
const MAX_BUFFERED_CHARS = 64 * 1024;

/**
 * Writes to a stream coalesced per event-loop turn: a line per result of a fast run is one
 * write syscall per turn rather than per line (stdout to a pipe or file is synchronous).
 * Order is kept; `flush()` writes what is pending now (call it before exiting).
 */
export function coalescedWriter(out: { write(s: string): unknown }): {
  write: (s: string) => void;
  flush: () => void;
} {
  let pending = "";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === "") return;
    const text = pending;
    pending = "";
    out.write(text);
  };
  return {
    write(s) {
      pending += s;
      if (pending.length >= MAX_BUFFERED_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
