import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Db } from "./db.js";

/** After a commit, the background thread copies the WAL back into the database within this delay. */
export const CHECKPOINT_DELAY_MS = 200;
/**
 * The writer's own auto-checkpoint threshold while a checkpointer runs (SQLite's default is
 * 1,000 pages = 4 MB). Under sustained writes a PASSIVE checkpoint never quite catches up
 * with the writer, so the WAL cannot restart and grows; at 25,000 pages (100 MB) the writer
 * checkpoints itself, copying only what the thread has not (at most ~200 ms of writes), and
 * the WAL is reused from its start. A RESTART from the thread instead (tried) blocks the
 * writer, whose busy handler then sleeps 1 + 2 + 5 ms: p99 ack went from ~8 to ~11 ms.
 */
export const WRITER_AUTOCHECKPOINT_PAGES = 25_000;
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

// The worker is plain CommonJS evaluated from a string, so it runs the same from src/ (tests)
// and dist/; better-sqlite3 is passed as a resolved path, not looked up from the cwd.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqlitePath);
// PASSIVE never takes the write lock, so the writer never waits for this thread.
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("synchronous = NORMAL");
let timer = null;
const checkpoint = () => {
  timer = null;
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
};
parentPort.on("message", (m) => {
  if (m === "wrote") {
    timer ??= setTimeout(checkpoint, workerData.delayMs);
    return;
  }
  if (timer) clearTimeout(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** A running background checkpointer. */
export interface Checkpointer {
  /** Something was committed: checkpoint soon (calls are coalesced; idle costs nothing). */
  nudge(): void;
  /** Run a last checkpoint, close the thread's connection and wait for the thread to end. */
  stop(): Promise<void>;
}

/** Options of startCheckpointer. */
export interface CheckpointerOptions {
  delayMs?: number;
  /** A checkpoint failed or the thread died; the writer's backstop keeps the WAL bounded. */
  onError?: (message: string) => void;
}

/**
 * Move WAL checkpoints off the event loop. A checkpoint copies pages and fsyncs the database
 * file; run inside a commit it stalls every acknowledgement waiting on that commit. A worker
 * thread with its own connection checkpoints PASSIVE-ly (never blocking the writer) shortly
 * after each nudge, and the writer's auto-checkpoint is raised to a backstop.
 */
export function startCheckpointer(db: Db, file: string, o: CheckpointerOptions = {}): Checkpointer {
  const delayMs = o.delayMs ?? CHECKPOINT_DELAY_MS;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file,
      sqlitePath: createRequire(import.meta.url).resolve("better-sqlite3"),
      delayMs,
    },
  });
  worker.unref();
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  let alive = true;
  const exited = new Promise<void>((resolve) => {
    worker.once("exit", () => {
      alive = false;
      if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
      resolve();
    });
  });
  worker.on("message", (m: { error?: string }) => {
    if (m.error) o.onError?.(`background checkpoint failed: ${m.error}`);
  });
  worker.on("error", (err) => o.onError?.(`background checkpoint thread stopped: ${err.message}`));
  let lastNudge = Number.NEGATIVE_INFINITY;
  return {
    nudge: () => {
      // postMessage costs tens of µs: at most one per delay. A commit inside the window is
      // covered by the checkpoint the previous nudge scheduled (it runs at the window's end).
      const now = performance.now();
      if (!alive || now - lastNudge < delayMs) return;
      lastNudge = now;
      worker.postMessage("wrote");
    },
    stop: async () => {
      if (alive) {
        worker.ref(); // an unref'd thread would let the process exit before it has finished
        worker.postMessage("stop");
      }
      await exited;
    },
  };
}
