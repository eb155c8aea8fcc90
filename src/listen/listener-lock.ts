import { randomUUID } from "node:crypto";
import { DatabaseInUseError } from "../errors.js";
import type { Store } from "../store/store.js";
import {
  type GoneReason,
  goneReason,
  ownIdentity,
  type ProcessIdentity,
  type ProcessProbe,
  systemProbe,
} from "./process-alive.js";

/**
 * The `meta` row that marks a database as used by a running `okhook listen`. A row inside
 * the database rather than a `<db>.lock` file beside it: SQLite's write lock makes
 * check-and-take (including taking over a dead listener's row) one atomic step, and every
 * path that reaches the same file (symlinks, `./x.db` vs `/abs/x.db`) finds the same row.
 */
export const LISTENER_LOCK_KEY = "listener.lock";

/** What the row records about the listener holding it. */
export interface LockHolder extends ProcessIdentity {
  /** Random per acquisition: tells this process's row from one left by an earlier same-pid process. */
  id: string;
  pid: number;
  startedAt: string;
  /** The hook URL, once the port is bound. */
  url?: string;
}

/** A row left by a listener that no longer runs, and why it counts as gone. */
export interface TakenOver {
  pid: number;
  startedAt: string;
  reason: GoneReason;
}

/** Ids of the locks this process holds (a row with our own pid and another id is stale). */
const heldHere = new Set<string>();

/** This process's hold on a database; `release()` on every exit path (also runs at process exit). */
export class ListenerLock {
  private released = false;
  private readonly onExit = () => this.release();

  constructor(
    private readonly store: Store,
    private row: string,
    readonly holder: LockHolder,
    /** The dead listener whose row was replaced, if any. */
    readonly tookOver: TakenOver | undefined,
  ) {
    heldHere.add(holder.id);
    // last resort for an exit that skips the shutdown (uncaught error); sync, so it runs
    process.once("exit", this.onExit);
  }

  /** Record the listener's URL, for the message a second `listen` prints. */
  setUrl(url: string): void {
    const next = JSON.stringify({ ...this.holder, url });
    if (this.store.meta.setIf(LISTENER_LOCK_KEY, this.row, next)) this.row = next;
  }

  /** Remove the row if it is still ours; never throws (a row left behind is found stale later). */
  release(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.holder.id);
    process.off("exit", this.onExit);
    if (!this.store.isOpen) return;
    try {
      this.store.meta.deleteIf(LISTENER_LOCK_KEY, this.row);
    } catch {
      // e.g. SQLITE_BUSY past the busy timeout: the next listen sees our pid gone
    }
  }
}

/**
 * Take the database for this listener, or throw DatabaseInUseError naming the live one.
 * Check and write happen in one IMMEDIATE transaction: of two listeners starting at the same
 * moment, the second waits for the first's commit and then sees its row.
 */
export function acquireListenerLock(
  store: Store,
  dbPath: string,
  probe: ProcessProbe = systemProbe,
): ListenerLock {
  const holder: LockHolder = {
    id: randomUUID(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
    ...ownIdentity(probe),
  };
  const row = JSON.stringify(holder);
  let tookOver: TakenOver | undefined;
  store.meta.update(LISTENER_LOCK_KEY, (current) => {
    const previous = parseHolder(current);
    if (previous) {
      const reason = staleReason(previous, probe);
      if (!reason) throw new DatabaseInUseError(dbPath, previous);
      tookOver = { pid: previous.pid, startedAt: previous.startedAt, reason };
    }
    return row;
  });
  return new ListenerLock(store, row, holder, tookOver);
}

/** The holder recorded in the database, if any (for tests and diagnostics). */
export function currentHolder(store: Store): LockHolder | undefined {
  return parseHolder(store.meta.get(LISTENER_LOCK_KEY));
}

function staleReason(h: LockHolder, probe: ProcessProbe): GoneReason | null {
  // Our own pid: a row from an earlier process that had it (a restarted container), unless
  // this very process holds it.
  if (h.pid === process.pid) return heldHere.has(h.id) ? null : "exited";
  return goneReason(h.pid, h, probe);
}

/** A well-formed holder, or undefined (an unreadable row blocks nobody). */
function parseHolder(raw: string | undefined): LockHolder | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<LockHolder> | null;
    // pid 0 or negative would make process.kill address a process group
    if (!v || !Number.isInteger(v.pid) || (v.pid as number) <= 0 || typeof v.id !== "string")
      return undefined;
    return {
      id: v.id,
      pid: v.pid as number,
      startedAt: typeof v.startedAt === "string" ? v.startedAt : "",
      url: typeof v.url === "string" ? v.url : undefined,
      bootId: typeof v.bootId === "string" ? v.bootId : undefined,
      startTicks: typeof v.startTicks === "string" ? v.startTicks : undefined,
    };
  } catch {
    return undefined;
  }
}
