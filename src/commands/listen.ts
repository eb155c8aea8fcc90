import {
  childEnv,
  parseCount,
  parsePort,
  resolveDbPath,
  selectProductionReact,
} from "../config.js";
import { UsageError } from "../errors.js";
import { EventBus, type SessionEvent } from "../events.js";
import { RoutingTable } from "../forward/routes.js";
import { planRegister, type RegisterPlan } from "../listen/hook-registration.js";
import { type InlineRegisterPlan, planRegisterInline } from "../listen/inline-registration.js";
import { findListener } from "../listen/listener-auth.js";
import { type ListenTunnelOptions, runListen } from "../listen/run.js";
import { pendingSecret, recordListenerAuth } from "../listen/secret.js";
import type { SessionOptions } from "../listen/session.js";
import { stopOnSignals } from "../listen/stop-signals.js";
import { listenProgress } from "../output/listen-progress.js";
import { attachPlainRenderer, pendingNote } from "../output/listen-renderer.js";
import type { TuiHandle } from "../tui/mount.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { inlineSetup } from "./listen-inline.js";
import { flagOrEnv, oneOf, parseBytes, parseMs } from "./options.js";

/** `okhook listen` flags as commander parses them. */
export interface ListenFlags {
  port?: string;
  host: string;
  path: string;
  forwardTo?: string[];
  secret?: string;
  authHeader: string;
  forwardAuth?: string;
  tunnel?: string;
  cloudflared?: string;
  tunnelToken?: string;
  publicUrl?: string;
  register?: boolean;
  org?: string;
  events: string;
  inlinePath: string;
  inlineTo?: string;
  registerInline?: string[];
  inlineBudget: string;
  hostileKeep: string;
  hostilePruneEvery: string;
  forwardTimeout: string;
  retries: string;
  retryDelay: string;
  healthInterval: string;
  verifyTimeout: string;
  tunnelTimeout: string;
  headersTimeout: string;
  output?: string;
  maxBody: string;
  showSecret?: boolean;
  db?: string;
  /** Not a flag: whether --tunnel was given on the command line (a failing tunnel is then fatal). */
  tunnelExplicit?: boolean;
}

const OUTPUTS = ["interactive", "compact", "json", "quiet"] as const;
const TUNNELS = ["quick", "token", "none"] as const;

/** Every listen flag checked and resolved (flags > env > defaults); nothing started yet. */
interface ListenSetup {
  output: (typeof OUTPUTS)[number];
  /** The Ink TUI needs a terminal; piped `--output interactive` falls back to compact lines. */
  interactive: boolean;
  tunnelMode: (typeof TUNNELS)[number];
  session: Omit<SessionOptions, "bus" | "secret" | "forwardAuth">;
  tunnel: ListenTunnelOptions | undefined;
  register: RegisterPlan | undefined;
  registerInline: InlineRegisterPlan | undefined;
}

/**
 * `okhook listen`: flags → session, tunnel and registration options → the core run (listen/run.ts)
 * → the TUI or plain lines on the session's events.
 */
export async function listenCommand(flags: ListenFlags, ctx: CliContext): Promise<Outcome> {
  const setup = listenSetup(flags, ctx);
  const { session: base, interactive, tunnelMode } = setup;
  const given = flags.secret ?? ctx.env.secret;
  // a generated secret is saved once listening: a run refused at start leaves no file behind
  const generated =
    given === undefined && setup.tunnel
      ? pendingSecret(base.dbPath, `port:${base.port}`)
      : undefined;
  const secret = given ?? generated?.secret;
  const authHeader = base.authHeader;
  const forwardAuth = {
    header: authHeader,
    value: flags.forwardAuth === "none" ? undefined : (flags.forwardAuth ?? secret),
  };
  const bus = new EventBus();
  let tui: TuiHandle | undefined;
  const progress = listenProgress({
    stderr: ctx.stderr,
    stdoutIsTTY: ctx.stdout.isTTY === true,
    flash: () => (tui ? (text) => tui?.view.flash(text, "dim") : undefined),
  });
  const early: SessionEvent[] = [];
  const detach = interactive
    ? bus.on((e) => early.push(e))
    : attachPlainRenderer({
        mode: setup.output === "interactive" ? "compact" : setup.output,
        bus,
        ctx,
        out: progress.wrap(ctx.stdout),
        info: {
          secret,
          secretGenerated: given === undefined && secret !== undefined,
          showSecret: !!flags.showSecret,
          authHeader,
          routes: base.routes.routes.map((r) => ({ pattern: r.pattern, target: r.target })),
          inlinePath: base.inlinePath,
          inlineTarget: base.inlineTarget,
          targets: base.routes.targets(),
          tunnelMode,
          readyWhen: setup.register ? "hook" : setup.tunnel?.required ? "tunnel" : "started",
        },
      });
  // From here on a signal stops listen in order; a second one quits at once (cli.ts exits 130).
  const stop = stopOnSignals({
    ...ctx,
    running: {
      cloudflared: setup.tunnel !== undefined,
      registered: setup.register !== undefined || setup.registerInline !== undefined,
    },
  });
  // The Ink UI is the one part loaded on demand: compact/json/quiet runs never load ink/react.
  if (interactive) selectProductionReact();
  const tuiModule = interactive ? await import("../tui/listen.js") : undefined;
  try {
    const result = await runListen({
      session: { ...base, secret, forwardAuth },
      bus,
      tunnel: setup.tunnel,
      register: setup.register && secret ? { plan: setup.register, secret, authHeader } : undefined,
      registerInline:
        setup.registerInline && secret
          ? { plan: setup.registerInline, secret, authHeader }
          : undefined,
      stop: stop.signal,
      onProgress: progress.report,
      onStarted: (session) => {
        stop.whileStopping(() => session.store.deliveries.pendingForward().length);
        generated?.save();
        // what replay, send, show --curl, reconcile and `okhook secret` re-add: beside the DB, never in it
        recordListenerAuth(session.store, base.dbPath, {
          header: authHeader,
          secret,
          flagSecret: flags.secret,
          envSecret: ctx.env.secret,
          forwardAuth: flags.forwardAuth,
          targets: base.routes.targets(),
          warn: (message) => bus.emit({ type: "warning", message }),
        });
        if (!tuiModule) return;
        tui = tuiModule.mountListenTui({
          ctx,
          bus,
          session,
          early,
          routes: base.routes,
          forwardAuth,
          forwardTimeoutMs: base.forwardTimeoutMs,
          secret,
          showSecret: !!flags.showSecret,
          authHeader,
          tunnelMode,
          dbPath: base.dbPath,
          listener: findListener(base.dbPath, { env: ctx.env.secret }, session.store),
        });
        detach();
        void tui.quitRequested.then(() => stop.request("quit"));
      },
    });
    if (interactive && result) {
      ctx.stdout.write(
        `okhook: stopped. Deliveries are stored in ${base.dbPath}.${pendingNote(result.pending)}\n`,
      );
    }
    return OUTCOME.ok;
  } finally {
    progress.report(undefined);
    detach();
  }
}

/** Check and resolve every flag, in the order the user's mistakes are reported. */
function listenSetup(flags: ListenFlags, ctx: CliContext): ListenSetup {
  const env = ctx.env;
  const output = oneOf(
    flags.output ?? (ctx.stdout.isTTY && !env.ci ? "interactive" : "compact"),
    OUTPUTS,
    "--output",
  );
  const tunnelSet = flagOrEnv("--tunnel", flags.tunnel, "OKHOOK_TUNNEL", env.tunnel);
  const tunnelMode = oneOf(tunnelSet?.value ?? "quick", TUNNELS, tunnelSet?.from ?? "--tunnel");
  if (!flags.path.startsWith("/"))
    throw new UsageError(`--path "${flags.path}": must start with / (try --path /okta/events)`);
  const portSet = flagOrEnv("--port", flags.port, "OKHOOK_PORT", env.port);
  const port = parsePort(portSet?.value ?? "8787", portSet?.from);
  const dbPath = resolveDbPath(flags.db, env);
  const tunnelToken = flags.tunnelToken ?? env.tunnelToken;
  if (tunnelMode === "token") checkTokenMode(tunnelToken, flags.publicUrl);
  if (flags.register && tunnelMode === "none") {
    throw new UsageError(
      "--register needs a public URL: drop --tunnel none (quick tunnel) or use --tunnel token --public-url",
    );
  }
  const register = flags.register
    ? planRegister({
        orgFlag: flags.org,
        orgEnv: env.oktaOrgUrl,
        apiToken: env.oktaApiToken,
        accessToken: env.oktaAccessToken,
        events: flags.events,
        verifyTimeoutMs: parseMs(flags.verifyTimeout, "--verify-timeout"),
      })
    : undefined;
  const routes = flags.forwardTo
    ? RoutingTable.parse(flags.forwardTo)
    : RoutingTable.parse(env.forwardTo ? env.forwardTo.split(/\s*,\s*/) : [], "OKHOOK_FORWARD_TO");
  const inline = inlineSetup(flags, routes, tunnelMode);
  const registerInline = inline.types.length
    ? planRegisterInline({
        types: inline.types,
        orgFlag: flags.org,
        orgEnv: env.oktaOrgUrl,
        apiToken: env.oktaApiToken,
        accessToken: env.oktaAccessToken,
      })
    : undefined;
  const session = {
    dbPath,
    host: flags.host,
    port,
    hookPath: flags.path,
    authHeader: flags.authHeader.toLowerCase(),
    forwardTimeoutMs: parseMs(flags.forwardTimeout, "--forward-timeout"),
    maxBodyBytes: parseBytes(flags.maxBody, "--max-body"),
    routes,
    retries: parseCount(flags.retries, "--retries", { max: 20 }),
    retryBaseMs: parseMs(flags.retryDelay, "--retry-delay"),
    healthIntervalMs: parseMs(flags.healthInterval, "--health-interval"),
    headersTimeoutMs: parseMs(flags.headersTimeout, "--headers-timeout"),
    inlinePath: inline.path,
    inlineTarget: inline.target,
    inlineBudgetMs: parseMs(flags.inlineBudget, "--inline-budget"),
    hostileKeep: parseCount(flags.hostileKeep, "--hostile-keep", { max: 10_000_000 }),
    hostilePruneEvery: parseCount(flags.hostilePruneEvery, "--hostile-prune-every", {
      min: 1,
      max: 1_000_000,
    }),
  };
  const tunnel: ListenTunnelOptions | undefined =
    tunnelMode === "none"
      ? undefined
      : {
          mode: tunnelMode,
          // exit 4 instead of listening on locally: asked for on the command line, or needed
          required:
            flags.tunnelExplicit === true || register !== undefined || registerInline !== undefined,
          explicitBinary: flags.cloudflared ?? env.cloudflared,
          explicitLabel: flags.cloudflared ? "--cloudflared" : "OKHOOK_CLOUDFLARED",
          pathEnv: env.path,
          childEnv: childEnv(),
          token: tunnelToken,
          publicUrl: flags.publicUrl,
          readyTimeoutMs: parseMs(flags.tunnelTimeout, "--tunnel-timeout"),
        };
  const interactive = output === "interactive" && ctx.stdout.isTTY === true;
  return { output, interactive, tunnelMode, session, tunnel, register, registerInline };
}

function checkTokenMode(token: string | undefined, publicUrl: string | undefined): void {
  if (!token)
    throw new UsageError("--tunnel token needs --tunnel-token <t> (or OKHOOK_TUNNEL_TOKEN)");
  if (!publicUrl || !/^https:\/\//.test(publicUrl)) {
    throw new UsageError(
      `--public-url "${publicUrl ?? ""}": --tunnel token needs the tunnel's https URL (try --public-url https://hooks.example.com)`,
    );
  }
}
