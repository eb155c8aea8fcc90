import type { EventBus, SessionEvent } from "../events.js";
import type { ForwardAuth } from "../forward/headers.js";
import { describeRoutes, type RoutingTable } from "../forward/routes.js";
import type { ListenerView } from "../listen/listener-auth.js";
import type { ListenSession } from "../listen/session.js";
import { mask } from "../output/format.js";
import type { HeaderInfo } from "../ui/types.js";
import { VERSION } from "../version.js";
import { mountTui, type TuiHandle, type TuiTerminal } from "./mount.js";

/** What `listen` knows that the TUI header shows. */
export interface ListenTuiOptions {
  ctx: TuiTerminal;
  bus: EventBus;
  session: ListenSession;
  /** Session events emitted before the TUI was mounted (e.g. `listening`). */
  early: readonly SessionEvent[];
  routes: RoutingTable;
  forwardAuth: ForwardAuth;
  forwardTimeoutMs: number;
  secret: string | undefined;
  showSecret: boolean;
  authHeader: string;
  tunnelMode: string;
  dbPath: string;
  /** The listener as re-sends see it (recorded when the session started). */
  listener: ListenerView;
}

/**
 * Mount the TUI for a running listen session. Unmounting is registered as a session stop
 * step, so the order is server → forwards → (tunnel, registered later, runs earlier) →
 * unmount → DB close.
 */
export function mountListenTui(o: ListenTuiOptions): TuiHandle {
  const health = o.session.forwarder.targetHealth();
  const header: HeaderInfo = {
    mode: "listen",
    version: VERSION,
    db: o.dbPath,
    localUrl: o.session.localUrl,
    localHookUrl: o.session.hookUrl,
    authHeader: o.authHeader,
    secretLabel: o.secret ? (o.showSecret ? o.secret : mask(o.secret)) : undefined,
    tunnel: { state: o.tunnelMode === "none" ? "off" : "starting" },
    targets: describeRoutes(o.routes.routes).map((t) => ({
      ...t,
      health: health.get(t.target) ?? "unknown",
    })),
    countersScope: "session",
  };
  const tui = mountTui({
    ctx: o.ctx,
    store: o.session.store,
    header,
    countersSinceSeq: o.session.store.deliveries.maxSeq(),
    notStored: () => o.session.flood.notStored,
    replay: { auth: o.forwardAuth, timeoutMs: o.forwardTimeoutMs, routes: o.routes },
    curlUrl: () => o.session.hookUrl,
    listener: o.listener,
    revealSecret: () => o.secret,
  });
  for (const e of o.early) tui.view.apply(e);
  const off = o.bus.on((e) => tui.view.apply(e));
  o.session.onStop(async () => {
    off();
    await tui.unmount();
  });
  return tui;
}
