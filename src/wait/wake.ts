import { type FSWatcher, watch } from "node:fs";
import { basename, dirname } from "node:path";

/**
 * How often a wait looks at the database when no file event came. The look is SQLite's
 * `data_version` (no page read), so five a second cost nothing measurable, and a listener
 * on a file system without change events (network mounts, some containers) is still seen
 * well within the 250 ms a match may take to be reported.
 */
export const WAIT_POLL_MS = 200;

/** Stops the wake-ups. */
export interface Waker {
  close(): void;
}

/**
 * Call `tick` whenever the database (or its -wal/-journal) changes on disk, and every
 * `pollMs` in case the file system does not say. Ticks in one burst of file events are
 * coalesced into one.
 */
export function wakeOnChanges(o: { file?: string; pollMs?: number; tick: () => void }): Waker {
  let pending = false;
  const fire = () => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      o.tick();
    });
  };
  let watcher: FSWatcher | undefined;
  if (o.file) watcher = watchFile(o.file, fire);
  const timer = setInterval(fire, o.pollMs ?? WAIT_POLL_MS);
  return {
    close() {
      clearInterval(timer);
      watcher?.close();
    },
  };
}

function watchFile(file: string, fire: () => void): FSWatcher | undefined {
  const names = new Set([basename(file), `${basename(file)}-wal`, `${basename(file)}-journal`]);
  try {
    // The directory, not the file: the database may not exist yet, and the -wal comes and goes.
    const watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
      if (name === null || names.has(String(name))) fire();
    });
    // e.g. the directory removed while waiting: the poll still runs
    watcher.on("error", () => watcher.close());
    return watcher;
  } catch {
    // no such directory yet, or no watch support: the poll alone will do
    return undefined;
  }
}
