import type { Dispatcher } from "undici";
import type { ForwardAuth } from "../forward/headers.js";
import type { RoutingTable } from "../forward/routes.js";
import { curlAuthPlan, type ListenerView } from "../listen/listener-auth.js";
import { type CurlAuth, curlAuth, curlParts } from "../output/curl.js";
import { inferAuthHeader } from "../replay/prepare.js";
import type { ReplaySendOptions } from "../replay/types.js";
import type { Store } from "../store/store.js";
import type { HeaderPairs } from "../store/types.js";
import type { CurlView, ReplayOutcome, UiActions } from "../ui/types.js";

/** How the UI's replay sends (the same knobs as forwarding). */
export interface ReplayOptions {
  store: Store;
  auth: ForwardAuth;
  /** `okhook ui`: the auth the database's listener used per target (wins over `auth`). */
  authFor?: ReplaySendOptions["authFor"];
  timeoutMs: number;
  /** listen's routing table; without it a replay goes to the delivery's last forward target. */
  routes?: RoutingTable;
  dispatcher?: Dispatcher;
  /**
   * `okhook ui` reads through a read-only connection; a replay records its attempt through
   * this one, opened on first use (throws, in words, when the database cannot be written).
   */
  writableStore?: () => Store;
}

/** Where a UI replay goes: the delivery's route (listen), else the target it was last forwarded to. */
export function replayTarget(o: ReplayOptions, seq: number): string | null {
  if (o.routes && !o.routes.empty) {
    const t = o.routes.targetsFor(o.store.deliveries.events(seq).map((e) => e.eventType))[0];
    if (t) return t;
  }
  return o.store.attempts.of(seq).at(-1)?.target ?? null;
}

/**
 * Re-send one stored delivery through the replay core (the same code as `okhook replay`):
 * original bytes, x-okhook-replay headers, auth re-added, a `replay` attempt recorded.
 */
export async function replayDelivery(o: ReplayOptions, seq: number): Promise<ReplayOutcome> {
  const row = o.store.deliveries.bySeq(seq);
  if (!row) return { ok: false, target: null, status: null, error: "not found", durationMs: 0 };
  if (row.kind === "inline") {
    // its password or OTP was never stored: the command line asks for it (--set)
    const error = `replay inline hook requests with: okhook replay ${row.id}`;
    return { ok: false, target: null, status: null, error, durationMs: 0 };
  }
  try {
    // undici (~75 ms to load) comes with the first r, so okhook ui's first frame never waits for it
    const { replayOne } = await import("../replay/replay-one.js");
    const r = await replayOne(o.writableStore?.() ?? o.store, seq, {
      to: replayTarget(o, seq) ?? undefined,
      ...(o.authFor ? { authFor: o.authFor } : { secret: o.auth.value, authHeader: o.auth.header }),
      timeoutMs: o.timeoutMs,
      dispatcher: o.dispatcher,
    });
    return {
      ok: r.ok,
      target: r.target,
      status: r.status,
      error: r.error,
      durationMs: r.durationMs,
      attempt: r.attempt,
    };
  } catch (err) {
    return { ok: false, target: null, status: null, error: (err as Error).message, durationMs: 0 };
  }
}

/** UI actions plus a way for the command to wait for replays still in flight. */
export interface TuiActions extends UiActions {
  /** Resolves once no replay is running (shutdown waits for it before closing the DB). */
  idle(): Promise<void>;
}

/** The actions the UI gets from listen / ui. */
export function createTuiActions(
  o: ReplayOptions & {
    curlUrl: () => string;
    authHeader: string;
    /** --db for `okhook show` in the curl command (undefined: the default database). */
    showDb?: string;
    /** The curl command's auth header for a delivery sent to `url` (default: as it was received). */
    curlAuth?: (url: string, headers: HeaderPairs) => CurlAuth | null | undefined;
    /** Copy a command to the clipboard (the command owns the terminal). */
    copy: (text: string) => CurlView["copy"];
    quit: () => void;
    revealSecret?: () => string | undefined;
  },
): TuiActions {
  const running = new Set<Promise<unknown>>();
  return {
    replay: (seq) => {
      const p = replayDelivery(o, seq);
      running.add(p);
      void p.finally(() => running.delete(p)).catch(() => undefined);
      return p;
    },
    curl: (seq) => {
      const d = o.store.deliveries.bySeq(seq);
      if (!d) throw new Error("delivery not found");
      const url = o.curlUrl();
      const parts = curlParts({
        url,
        method: d.method,
        headers: d.headers,
        body: o.store.deliveries.body(seq),
        authHeader: o.authHeader,
        auth: o.curlAuth?.(url, d.headers),
        bodyFrom: { show: d.id, db: o.showDb },
      });
      // one line on the clipboard: it pastes as one command
      return { parts, copy: o.copy(parts.join(" ")) };
    },
    quit: o.quit,
    revealSecret: o.revealSecret,
    idle: async () => {
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * The `c` command's auth, decided as `show --curl` decides it (the same lookup and renderer):
 * `${OKHOOK_SECRET:-$(okhook secret)}` on the default database. With a --db path the lookup
 * would not fit an 80-column overlay, so it asks for $OKHOOK_SECRET (`okhook secret --db …`
 * prints it).
 */
export function curlAuthFor(
  listener: ListenerView,
  db: string | undefined,
): (url: string, headers: HeaderPairs) => CurlAuth | null | undefined {
  return (url: string, headers: HeaderPairs) =>
    curlAuth(
      curlAuthPlan(listener, url, { hint: "listener", fallbackHeader: inferAuthHeader(headers) }),
      { lookup: db === undefined },
    );
}
