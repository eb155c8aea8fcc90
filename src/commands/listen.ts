import type { Command } from "commander";
import { Option } from "commander";
import { parseCount, parsePort, resolveDbPath, selectProductionReact } from "../config.js";
import { UsageError } from "../errors.js";
import type { SessionEvent } from "../events.js";
import type { CliContext, CommandResult } from "./context.js";
import { collect, DB_FLAG_HELP, oneOf, parseBytes, parseMs } from "./options.js";

/** Raw `okhook listen` flags as commander parses them. */
interface ListenFlags {
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
  forwardTimeout: string;
  retries: string;
  retryDelay: string;
  healthInterval: string;
  verifyTimeout: string;
  headersTimeout: string;
  output?: string;
  maxBody: string;
  showSecret?: boolean;
  db?: string;
}

const OUTPUTS = ["interactive", "compact", "json", "quiet"] as const;
const TUNNELS = ["quick", "token", "none"] as const;

/** Define `okhook listen`. */
export function registerListen(program: Command, ctx: CliContext): void {
  program
    .command("listen")
    .description(
      "receive Okta event hook deliveries: store each before acknowledging, forward to your app",
    )
    .option(
      "--port <n>",
      "local port, 0 = any free port (default: 8787, env: OKHOOK_PORT)",
      undefined,
    )
    .option("--host <addr>", "bind address", "127.0.0.1")
    .option("--path <p>", "path the hook URL uses; other paths answer 404", "/okta/events")
    .option(
      "--forward-to <url>",
      "forward each delivery here: URL, localhost:3000/hooks, 3000, or 'user.*=URL' to route by event type; repeatable (env: OKHOOK_FORWARD_TO)",
      collect,
    )
    .option(
      "--secret <value>",
      "auth header value Okta sends (env: OKHOOK_SECRET; generated when tunneled)",
    )
    .option("--auth-header <name>", "header that carries the secret", "authorization")
    .option(
      "--forward-auth <value>",
      "auth header value sent to the app, 'none' drops it (default: the secret)",
      undefined,
    )
    .option(
      "--tunnel <mode>",
      "quick | token | none (default: quick, env: OKHOOK_TUNNEL)",
      undefined,
    )
    .option(
      "--cloudflared <path>",
      "cloudflared binary (default: PATH, then the cloudflared npm package; env: OKHOOK_CLOUDFLARED)",
    )
    .option(
      "--tunnel-token <t>",
      "named tunnel token, with --tunnel token (env: OKHOOK_TUNNEL_TOKEN)",
    )
    .option("--public-url <url>", "public https URL of the named tunnel, with --tunnel token")
    .option(
      "--register",
      "create/update the Okta event hook for this URL, verify and activate it",
      false,
    )
    .option("--org <url>", "Okta org URL for --register (env: OKTA_ORG_URL)")
    .option(
      "--events <types>",
      "event types for --register (comma list, * globs)",
      "user.lifecycle.*,group.user_membership.*",
    )
    .option("--forward-timeout <ms>", "per forward attempt", "10000")
    .option("--retries <n>", "forward retries on network error/5xx (exponential backoff)", "3")
    .addOption(new Option("--retry-delay <ms>", "base retry delay").default("500").hideHelp())
    .addOption(
      new Option(
        "--health-interval <ms>",
        "longest wait between probes of a down target nothing waits for (1 s while deliveries wait)",
      )
        .default("15000")
        .hideHelp(),
    )
    .addOption(
      new Option("--verify-timeout <ms>", "how long --register retries Okta's verify")
        .default("60000")
        .hideHelp(),
    )
    .addOption(
      new Option("--headers-timeout <ms>", "how long a client may take to send its headers")
        .default("10000")
        .hideHelp(),
    )
    .option(
      "--output <mode>",
      "interactive | compact | json | quiet (default: interactive on a TTY outside CI, else compact)",
    )
    .option(
      "--max-body <bytes>",
      "larger requests get 413 and are stored without the body",
      "1048576",
    )
    .option("--show-secret", "print the secret instead of masking it", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook listen --forward-to 3000
  $ okhook listen --tunnel none --forward-to http://127.0.0.1:3000/hook --output compact
  $ okhook listen --forward-to 'user.lifecycle.*=localhost:3000/users' --forward-to 3000`,
    )
    .action(async (flags: ListenFlags, cmd: Command) => {
      const code = await runListen(flags, cmd, ctx);
      process.exitCode = code ?? 0;
    });
}

async function runListen(
  flags: ListenFlags,
  cmd: Command,
  ctx: CliContext,
): Promise<CommandResult> {
  const env = ctx.env;
  const output = oneOf(
    flags.output ?? (ctx.stdout.isTTY && !env.ci ? "interactive" : "compact"),
    OUTPUTS,
    "--output",
  );
  const tunnelExplicit = cmd.getOptionValueSource("tunnel") === "cli";
  const tunnel = oneOf(flags.tunnel ?? env.tunnel ?? "quick", TUNNELS, "--tunnel");
  if (!flags.path.startsWith("/"))
    throw new UsageError(`--path "${flags.path}": must start with / (try --path /okta/events)`);
  const port = parsePort(flags.port ?? env.port ?? "8787");
  const dbPath = resolveDbPath(flags.db, env);
  const tunnelToken = flags.tunnelToken ?? env.tunnelToken;
  if (tunnel === "token") checkTokenMode(tunnelToken, flags.publicUrl);
  if (flags.register && tunnel === "none") {
    throw new UsageError(
      "--register needs a public URL: drop --tunnel none (quick tunnel) or use --tunnel token --public-url",
    );
  }
  const register = flags.register ? await import("./listen-register.js") : undefined;
  const plan = register
    ? await register.planRegister(
        {
          org: flags.org,
          events: flags.events,
          verifyTimeoutMs: parseMs(flags.verifyTimeout, "--verify-timeout"),
        },
        ctx,
      )
    : undefined;
  const [{ EventBus }, { RoutingTable }, { ListenSession }, render, secrets] = await Promise.all([
    import("../events.js"),
    import("../forward/routes.js"),
    import("../listen/session.js"),
    import("./listen-output.js"),
    import("../listen/secret.js"),
  ]);
  const routes = RoutingTable.parse(
    flags.forwardTo ?? (env.forwardTo ? env.forwardTo.split(/\s*,\s*/) : []),
  );
  const given = flags.secret ?? env.secret;
  const secretKey = `port:${port}`;
  const secret =
    given ?? (tunnel !== "none" ? secrets.generatedSecret(dbPath, secretKey) : undefined);
  const authHeader = flags.authHeader.toLowerCase();
  const bus = new EventBus();
  // The Ink TUI needs a terminal; piped `--output interactive` falls back to compact lines.
  const interactive = output === "interactive" && ctx.stdout.isTTY === true;
  const early: SessionEvent[] = [];
  const detach = interactive
    ? bus.on((e) => early.push(e))
    : render.attachOutput({
        mode: output === "interactive" ? "compact" : output,
        bus,
        ctx,
        info: {
          secret,
          secretGenerated: given === undefined && secret !== undefined,
          showSecret: !!flags.showSecret,
          authHeader,
          routes: routes.routes.map((r) => ({ pattern: r.pattern, target: r.target })),
          targets: routes.targets(),
          tunnelMode: tunnel,
        },
      });
  ctx.ownSignals(true);
  // A signal before this point reached only cli.ts's handler, which aborts ctx.signal: stop
  // here, before the database is taken and pending deliveries are forwarded (exit 0, as Ctrl+C).
  if (ctx.signal.aborted) {
    detach();
    return 0;
  }
  let requestQuit: () => void = () => {};
  const stopSignal = waitForStopSignal(
    new Promise<void>((resolve) => {
      requestQuit = resolve;
    }),
  );
  const forwardTimeoutMs = parseMs(flags.forwardTimeout, "--forward-timeout");
  const forwardAuth = {
    header: authHeader,
    value: flags.forwardAuth === "none" ? undefined : (flags.forwardAuth ?? secret),
  };
  const session = await ListenSession.start({
    dbPath,
    host: flags.host,
    port,
    hookPath: flags.path,
    secret,
    authHeader,
    maxBodyBytes: parseBytes(flags.maxBody, "--max-body"),
    routes,
    forwardAuth,
    forwardTimeoutMs,
    retries: parseCount(flags.retries, "--retries", { max: 20 }),
    retryBaseMs: parseMs(flags.retryDelay, "--retry-delay"),
    healthIntervalMs: parseMs(flags.healthInterval, "--health-interval"),
    headersTimeoutMs: parseMs(flags.headersTimeout, "--headers-timeout"),
    bus,
  }).catch((err: unknown) => {
    detach();
    throw err;
  });
  // tells `send`/`replay` which generated secret this listener expects (the key, never the value)
  session.store.setMeta(
    "listener.secretKey",
    given === undefined && secret !== undefined ? secretKey : "",
  );
  if (interactive) {
    selectProductionReact();
    const { mountListenTui } = await import("./listen-tui.js");
    const tui = mountListenTui({
      ctx,
      bus,
      session,
      early,
      routes,
      forwardAuth,
      forwardTimeoutMs,
      secret,
      showSecret: !!flags.showSecret,
      authHeader,
      tunnelMode: tunnel,
      dbPath,
    });
    detach();
    void tui.quitRequested.then(() => requestQuit());
  }
  if (tunnel !== "none") {
    const failure = await Promise.race([
      startTunnel({ mode: tunnel, flags, ctx, session, bus, token: tunnelToken }),
      stopSignal.then(() => null),
    ]);
    if (failure && (tunnelExplicit || plan)) {
      await session.stop("tunnel could not start");
      detach();
      throw failure;
    }
    if (plan && register && !failure && secret) {
      session.onStop(() => register.deactivateOnStop(plan, session, bus));
      const registered = await Promise.race([
        registerOnTunnel({ register, plan, session, bus, secret, authHeader }),
        stopSignal.then(() => null),
      ]);
      if (registered instanceof Error) {
        await session.stop("could not register the Okta event hook");
        detach();
        throw registered;
      }
    }
  }
  const why = await stopSignal;
  await session.stop(why);
  detach();
  if (interactive) ctx.stdout.write(`okhook: stopped. Deliveries are stored in ${dbPath}\n`);
  return 0;
}

/** Register once the tunnel is ready, and again whenever its URL changes. */
async function registerOnTunnel(o: {
  register: typeof import("./listen-register.js");
  plan: import("./listen-register.js").RegisterPlan;
  session: import("../listen/session.js").ListenSession;
  bus: import("../events.js").EventBus;
  secret: string;
  authHeader: string;
}): Promise<Error | null> {
  let current = o.session.publicHookUrl;
  if (!current) return new Error("the tunnel has no public URL yet");
  const run = (hookUrl: string) =>
    o.register.registerForSession({
      plan: o.plan,
      session: o.session,
      bus: o.bus,
      hookUrl,
      secret: o.secret,
      authHeader: o.authHeader,
    });
  o.bus.on((e) => {
    if (e.type !== "tunnel" || e.state !== "ready" || !e.hookUrl || e.hookUrl === current) return;
    current = e.hookUrl;
    run(e.hookUrl).catch((err: Error) =>
      o.bus.emit({ type: "warning", message: `could not re-register the hook: ${err.message}` }),
    );
  });
  try {
    await run(current);
    return null;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
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

/** Start the tunnel; on failure report it and return the error (the caller decides if that is fatal). */
async function startTunnel(o: {
  mode: "quick" | "token";
  flags: ListenFlags;
  ctx: CliContext;
  session: import("../listen/session.js").ListenSession;
  bus: import("../events.js").EventBus;
  token: string | undefined;
}): Promise<Error | null> {
  const { attachTunnel } = await import("../tunnel/attach.js");
  const { childEnv } = await import("../config.js");
  try {
    await attachTunnel({
      mode: o.mode,
      localUrl: o.session.localUrl,
      hookPath: o.flags.path,
      bus: o.bus,
      explicitBinary: o.flags.cloudflared ?? o.ctx.env.cloudflared,
      explicitLabel: o.flags.cloudflared ? "--cloudflared" : "OKHOOK_CLOUDFLARED",
      pathEnv: o.ctx.env.path,
      childEnv: childEnv(),
      token: o.token,
      publicUrl: o.flags.publicUrl,
      register: (stop) => o.session.onStop(stop),
      logFile: `${o.session.o.dbPath}.tunnel.log`,
    });
    return null;
  } catch (err) {
    const failure = err instanceof Error ? err : new Error(String(err));
    o.bus.emit({ type: "tunnel", state: "failed", reason: failure.message });
    return failure;
  }
}

/** Resolve on SIGINT/SIGTERM/SIGHUP, or when the TUI asks to quit (q, Ctrl+C in raw mode). */
function waitForStopSignal(quit?: Promise<void>): Promise<string> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    // The handlers stay installed until exit: Ink's signal-exit re-raises a signal when it
    // is the only listener left, which would kill the shutdown half-way (exit 129 on SIGHUP).
    const done = (why: string) => resolve(why);
    const handler = (sig: NodeJS.Signals) => done(sig === "SIGINT" ? "signal" : sig);
    for (const s of signals) process.on(s, handler);
    void quit?.then(() => done("quit"));
  });
}
