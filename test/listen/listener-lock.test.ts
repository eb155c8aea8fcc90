import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseInUseError } from "../../src/errors.js";
import {
  acquireListenerLock,
  currentHolder,
  LISTENER_LOCK_KEY,
  type ListenerLock,
} from "../../src/listen/listener-lock.js";
import { goneReason, type ProcessProbe, systemProbe } from "../../src/listen/process-alive.js";
import type { Store } from "../../src/store/store.js";
import { closeStores, tempStore } from "../helpers/seed-store.js";
import { cleanupTmp } from "../helpers/tmp.js";

const locks: ListenerLock[] = [];
const releaseAll = () => {
  for (const l of locks.splice(0)) l.release();
};
afterEach(() => {
  releaseAll();
  closeStores();
  cleanupTmp();
});

/** Two connections to one database file, as two processes would have. */
function twoConnections(): { file: string; a: Store; b: Store } {
  const { store: a, file } = tempStore();
  const { store: b } = tempStore(file);
  return { file, a, b };
}

function acquire(store: Store, file: string, probe?: ProcessProbe): ListenerLock {
  const lock = acquireListenerLock(store, file, probe);
  locks.push(lock);
  return lock;
}

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", ""]);
  return r.pid!;
}

const row = (pid: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: "earlier", pid, startedAt: "2026-11-20T10:00:00.000Z", ...extra });

/** A probe describing another process as the test needs it. */
const probe = (p: Partial<ProcessProbe>): ProcessProbe => ({
  exists: () => true,
  bootId: () => "boot-1",
  startTicks: () => "1000",
  ...p,
});

describe("listener lock (a meta row in the database)", () => {
  it("refuses a second holder while the first holds it, naming the db, pid and URL", () => {
    const { file, a, b } = twoConnections();
    const first = acquire(a, file);
    first.setUrl("http://127.0.0.1:8787/okta/events");
    let err: unknown;
    try {
      acquire(b, file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatabaseInUseError);
    expect((err as DatabaseInUseError).exitCode).toBe(3);
    expect((err as DatabaseInUseError).message).toBe(
      `--db ${file}: in use by another okhook listen (pid ${process.pid}, http://127.0.0.1:8787/okta/events); stop that listener, or pass --db <other file> to run a second one`,
    );
    expect(currentHolder(b)?.id).toBe(first.holder.id);
  });

  it("release removes the row, only when it is still ours, and is idempotent", () => {
    const { file, a, b } = twoConnections();
    const first = acquire(a, file);
    first.release();
    expect(currentHolder(b)).toBeUndefined();
    const second = acquire(b, file);
    first.release();
    expect(currentHolder(a)?.id).toBe(second.holder.id);
    a.meta.set(LISTENER_LOCK_KEY, row(deadPid()));
    second.release(); // the row is no longer second's: left alone
    expect(currentHolder(a)?.id).toBe("earlier");
  });

  it("takes over the row of a process that exited (ESRCH), and says whose it was", () => {
    const { file, a } = twoConnections();
    const pid = deadPid();
    a.meta.set(LISTENER_LOCK_KEY, row(pid));
    const lock = acquire(a, file);
    expect(lock.tookOver).toEqual({
      pid,
      startedAt: "2026-11-20T10:00:00.000Z",
      reason: "exited",
    });
    expect(currentHolder(a)?.pid).toBe(process.pid);
  });

  it("takes over a row from before a reboot, or from an earlier process with the same pid", () => {
    const { file, a } = twoConnections();
    a.meta.set(LISTENER_LOCK_KEY, row(4242, { bootId: "boot-0", startTicks: "1000" }));
    expect(acquire(a, file, probe({})).tookOver?.reason).toBe("rebooted");
    releaseAll();
    a.meta.set(LISTENER_LOCK_KEY, row(4242, { bootId: "boot-1", startTicks: "999" }));
    expect(acquire(a, file, probe({})).tookOver?.reason).toBe("pid reused");
    releaseAll();
    // our own pid, but not a lock this process holds (a restarted container reuses pids)
    a.meta.set(LISTENER_LOCK_KEY, row(process.pid));
    expect(acquire(a, file).tookOver?.reason).toBe("exited");
  });

  it("treats a live process as the holder when in doubt (EPERM, unknown start time)", () => {
    const { file, a } = twoConnections();
    // exists() is true for EPERM (another user's process); without /proc nothing tells more
    a.meta.set(LISTENER_LOCK_KEY, row(4242, { bootId: "boot-1", startTicks: "1000" }));
    expect(() =>
      acquire(a, file, probe({ bootId: () => undefined, startTicks: () => undefined })),
    ).toThrow(DatabaseInUseError);
    expect(() => acquire(a, file, probe({}))).toThrow(/pid 4242, starting\)/);
  });

  it("ignores a row it cannot read (no pid, pid 0, not JSON)", () => {
    const { file, a } = twoConnections();
    for (const bad of ["{}", row(0), row(-1), "not json"]) {
      a.meta.set(LISTENER_LOCK_KEY, bad);
      const lock = acquire(a, file);
      expect(lock.tookOver).toBeUndefined();
      lock.release();
    }
  });
});

describe("goneReason with this machine's probe", () => {
  it("sees this process alive and an exited one gone", () => {
    const self = { bootId: systemProbe.bootId(), startTicks: systemProbe.startTicks(process.pid) };
    expect(goneReason(process.pid, self)).toBeNull();
    expect(goneReason(deadPid(), {})).toBe("exited");
  });
});
