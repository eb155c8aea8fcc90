import { Interrupted } from "../errors.js";
import { WaitEngine } from "./engine.js";
import type { ForwardInfo, WaitMatch, WaitReport, WaitRow, WaitSpec } from "./types.js";
import { wakeOnChanges } from "./wake.js";

/** Deliveries looked at per read while catching up (a `--since` over a long history). */
const PAGE_DELIVERIES = 500;

/** The reads a wait makes on the database (see store/wait-reads.ts). */
export interface WaitSource {
  maxSeq(): number;
  cursorAt(sinceMs: number): number;
  rowsAfter(afterSeq: number, limit: number): { rows: WaitRow[]; lastSeq: number };
  forwardStates(seqs: readonly number[]): Map<number, ForwardInfo>;
  loadEvents(seq: number): readonly unknown[] | undefined;
  dataVersion(): number;
  close(): void;
}

/** Why the database could not be read yet: absent, or its listen has not created it fully. */
export type SourceState = "open" | "missing" | "not-ready";

/** How to run one wait. */
export interface RunWaitOptions {
  spec: WaitSpec;
  /** Open the database, or say why it cannot be read yet (tried again on every tick). */
  open: () => WaitSource | "missing" | "not-ready";
  /** Also count events stored since then (epoch ms); default: only those stored from now on. */
  sinceMs?: number;
  timeoutMs: number;
  /** The database file, watched for changes; without it the poll alone wakes the wait. */
  file?: string;
  pollMs?: number;
  now?: () => number;
  signal?: AbortSignal;
  /** Told of each event as it counts (so output streams). */
  onMatch: (m: WaitMatch) => void;
  /** Told once the wait has taken its place in the database and waits (not called if already done). */
  onWaiting?: (source: SourceState) => void;
}

/** How a wait ended. */
export interface WaitOutcome {
  matched: WaitMatch[];
  timedOut: boolean;
  report: WaitReport;
  /** Whether the database could be read at the end. */
  source: SourceState;
}

/**
 * Block until the spec's events are stored, the timeout passes (timedOut), or the signal
 * aborts (Interrupted). Idle, it costs one `data_version` look per tick; rows are read only
 * after a commit, from a cursor, never re-reading what was already looked at.
 */
export function runWait(o: RunWaitOptions): Promise<WaitOutcome> {
  const engine = new WaitEngine(o.spec);
  const startedAt = (o.now ?? Date.now)();
  let source: WaitSource | undefined;
  let state: SourceState = "missing";
  let cursor = 0;
  let version: number | undefined;

  const open = (first: boolean): boolean => {
    const r = o.open();
    if (typeof r === "string") {
      state = r;
      return false;
    }
    source = r;
    state = "open";
    // Absent at the start, everything in it is new; a late open starts where the wait did.
    if (o.sinceMs !== undefined) cursor = r.cursorAt(o.sinceMs);
    else cursor = first ? r.maxSeq() : r.cursorAt(startedAt);
    return true;
  };
  const emit = (ms: WaitMatch[]) => {
    for (const m of ms) o.onMatch(m);
  };
  const drain = (s: WaitSource) => {
    while (!engine.done) {
      const { rows, lastSeq } = s.rowsAfter(cursor, PAGE_DELIVERIES);
      emit(engine.offer(rows, (seq) => s.loadEvents(seq)));
      if (lastSeq === cursor) break;
      cursor = lastSeq;
    }
    if (o.spec.forwarded && !engine.done) {
      emit(engine.updateForward(s.forwardStates(engine.awaitingSeqs())));
    }
  };
  /** One look: open if needed, read only when another connection committed since the last. */
  const look = (first = false) => {
    if (!source && !open(first)) return;
    const s = source!;
    const v = s.dataVersion();
    if (v === version) return;
    version = v;
    drain(s);
  };

  return new Promise<WaitOutcome>((resolve, reject) => {
    let waker: { close(): void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (err: unknown, timedOut = false) => {
      if (settled) return;
      settled = true;
      waker?.close();
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      source?.close();
      if (err) return reject(err);
      resolve({ matched: [...engine.matched], timedOut, report: engine.report(), source: state });
    };
    const tick = () => {
      if (settled) return;
      try {
        look();
        if (engine.done) finish(undefined);
      } catch (err) {
        finish(err);
      }
    };
    const onAbort = () => finish(new Interrupted());
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      look(true);
    } catch (err) {
      return finish(err);
    }
    if (engine.done) return finish(undefined);
    timer = setTimeout(() => finish(undefined, true), o.timeoutMs);
    waker = wakeOnChanges({ file: o.file, pollMs: o.pollMs, tick });
    o.onWaiting?.(state);
  });
}
