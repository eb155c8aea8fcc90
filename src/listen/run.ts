import type { EventBus } from "../events.js";
import { type AttachedTunnel, type AttachTunnelOptions, attachTunnel } from "../tunnel/attach.js";
import { HookRegistration, type ProgressFn, type RegisterPlan } from "./hook-registration.js";
import { type InlineRegisterPlan, InlineRegistration } from "./inline-registration.js";
import { ListenSession, type SessionOptions } from "./session.js";
import { recordTunnelState } from "./tunnel-record.js";

/** The tunnel as `listen` was asked for it (everything but what the session decides). */
export type ListenTunnelOptions = Omit<
  AttachTunnelOptions,
  "bus" | "localUrl" | "hookPath" | "logFile"
>;

/** Everything `okhook listen` runs: the listener, maybe a tunnel, maybe a registered hook. */
export interface ListenRunOptions {
  session: Omit<SessionOptions, "bus">;
  bus: EventBus;
  tunnel?: ListenTunnelOptions;
  register?: { plan: RegisterPlan; secret: string; authHeader: string };
  /** `--register-inline`: Okta inline hooks pointed at the public inline URL. */
  registerInline?: { plan: InlineRegisterPlan; secret: string; authHeader: string };
  /** Aborted when the user asks to stop (a signal, `q`); its reason says why. */
  stop: AbortSignal;
  /** Called once the listener is up, before the tunnel starts (mount a UI, note meta). */
  onStarted?: (session: ListenSession) => void;
  /** What a registration waits for (undefined: it is done). */
  onProgress?: ProgressFn;
}

/** How a listen run ended when it ended on request. */
export interface ListenResult {
  /** Deliveries stored but not forwarded yet; the next listen on the DB forwards them. */
  pending: number;
}

type Outcome = { why: string; error?: Error };

/**
 * Run `listen` to the end: start the listener, then the tunnel, then register the hook, and
 * shut all of it down in order when asked, or when a required part fails. Resolves when a stop
 * was asked for (undefined when it came before anything started); rejects with the failure
 * (NetworkError → exit 4, RemoteApiError → exit 5) after a clean shutdown.
 */
export async function runListen(o: ListenRunOptions): Promise<ListenResult | undefined> {
  // A signal that came before the database was taken: nothing started, nothing to forward.
  if (o.stop.aborted) return undefined;
  const session = await ListenSession.start({ ...o.session, bus: o.bus });
  // for okhook doctor, another process: this run's tunnel state and public URL
  recordTunnelState({
    store: session.store,
    lockId: session.lockId,
    bus: o.bus,
    tunneled: !!o.tunnel,
  });
  let tunnel: AttachedTunnel | undefined;
  let registration: HookRegistration | undefined;
  let inlineRegistration: InlineRegistration | undefined;
  let outcome: Outcome = { why: "stopped" };
  try {
    o.onStarted?.(session);
    if (o.tunnel) {
      tunnel = attachTunnel({
        ...o.tunnel,
        bus: o.bus,
        localUrl: session.localUrl,
        hookPath: o.session.hookPath,
        logFile: `${o.session.dbPath}.tunnel.log`,
      });
      if (o.register) {
        registration = new HookRegistration({
          ...o.register,
          store: session.store,
          bus: o.bus,
          onProgress: o.onProgress,
        });
      }
      if (o.registerInline) {
        inlineRegistration = new InlineRegistration({
          ...o.registerInline,
          store: session.store,
          bus: o.bus,
          onProgress: o.onProgress,
        });
      }
    }
    outcome = await supervise(o, tunnel, { events: registration, inline: inlineRegistration });
  } catch (err) {
    outcome = { why: "internal error", error: err instanceof Error ? err : new Error(String(err)) };
  }
  // Both start now, so cloudflared's grace period and Okta's answer overlap the drain; the
  // database closes only after them (they log, and the hook id lives in it).
  const sideStops = Promise.all([
    tunnel?.stop(),
    registration?.shutdown(),
    inlineRegistration?.shutdown(),
  ]);
  session.onStop(() => sideStops.then(() => {}));
  const { pending } = await session.stop(outcome.why);
  if (outcome.error) throw outcome.error;
  return { pending };
}

/** Wait for whatever ends this run: a stop request, or a required tunnel or registration failing. */
async function supervise(
  o: ListenRunOptions,
  tunnel: AttachedTunnel | undefined,
  registrations: { events?: HookRegistration; inline?: InlineRegistration },
): Promise<Outcome> {
  const stopped = new Promise<Outcome>((resolve) => {
    const done = () => resolve({ why: String(o.stop.reason ?? "stopped") });
    if (o.stop.aborted) done();
    else o.stop.addEventListener("abort", done, { once: true });
  });
  if (!tunnel) return stopped;
  const required = o.tunnel?.required === true;
  const first = await Promise.race([
    tunnel.ready.then(
      (hookUrl) => ({ hookUrl }),
      (error: Error) => ({ error }),
    ),
    stopped,
  ]);
  if ("why" in first) return first;
  if ("error" in first) {
    if (required) return { why: "tunnel could not start", error: first.error };
    return stopped; // said once by the tunnel event: still listening locally
  }
  if (registrations.events) {
    const failed = await registerAndFollow(o.bus, stopped, first.hookUrl, {
      registration: registrations.events,
      urlOf: (hookUrl) => hookUrl,
      why: "could not register the Okta event hook",
    });
    if (failed) return failed;
  }
  if (registrations.inline) {
    const failed = await registerAndFollow(o.bus, stopped, first.hookUrl, {
      registration: registrations.inline,
      urlOf: (hookUrl) => new URL(o.session.inlinePath ?? "/", hookUrl).toString(),
      why: "could not register the Okta inline hook",
    });
    if (failed) return failed;
  }
  if (!required) return stopped;
  return Promise.race([
    stopped,
    tunnel.lost.then((error) => ({ why: "the tunnel is gone", error })),
  ]);
}

/** A hook (event or inline) to point at the tunnel: where, given the hook URL, and why it failed. */
interface Follow {
  registration: { register(url: string): Promise<void>; cancelled: boolean };
  urlOf: (hookUrl: string) => string;
  why: string;
}

/**
 * Register at the tunnel's first URL (a failure, or a stop first, ends the run: its outcome is
 * returned), then follow it: a restarted quick tunnel has a new URL, the hook is pointed there too.
 */
async function registerAndFollow(
  bus: EventBus,
  stopped: Promise<Outcome>,
  first: string,
  f: Follow,
): Promise<Outcome | undefined> {
  const failed = await Promise.race([
    f.registration.register(f.urlOf(first)).then(
      () => undefined,
      (error: Error) => ({ why: f.why, error }),
    ),
    stopped,
  ]);
  if (failed) return failed;
  let current = first;
  bus.on((e) => {
    if (e.type !== "tunnel" || e.state !== "ready" || !e.hookUrl || e.hookUrl === current) return;
    current = e.hookUrl;
    f.registration.register(f.urlOf(e.hookUrl)).catch((err: Error) => {
      if (f.registration.cancelled) return;
      bus.emit({ type: "warning", message: `could not re-register the hook: ${err.message}` });
    });
  });
  return undefined;
}
