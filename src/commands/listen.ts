import type { Command } from "commander";
import { Option } from "commander";
import {
  childEnv,
  parseCount,
  parsePort,
  resolveDbPath,
  selectProductionReact,
} from "../config.js";
import { UsageError } from "../errors.js";
import type { SessionEvent } from "../events.js";
import type { CliContext, CommandResult } from "./context.js";
import { collect, DB_FLAG_HELP, oneOf, parseBytes, parseMs } from "./options.js";
import { progressLine } from "./progress-line.js";

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
  tunnelTimeout: string;
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
      new Option("--tunnel-timeout <ms>", "how long cloudflared may take to register a connection")
        .default("45000")
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
  const plan = flags.register
    ? await (await import("./listen-register.js")).planRegister(
        {
          org: flags.org,
          events: flags.events,
          verifyTimeoutMs: parseMs(flags.verifyTimeout, "--verify-timeout"),
        },
        ctx,
      )
    : undefined;
  const [{ EventBus }, { RoutingTable }, core, render, secrets, signals] = await Promise.all([
    import("../events.js"),
    import("../forward/routes.js"),
    import("../listen/run.js"),
    import("./listen-output.js"),
    import("../listen/secret.js"),
    import("./listen-signals.js"),
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
  let tui: import("./tui-mount.js").TuiHandle | undefined;
  const progress = progressLine({
    stderr: ctx.stderr,
    stdoutIsTTY: ctx.stdout.isTTY === true,
    flash: () => (tui ? (text) => tui?.view.flash(text, "dim") : undefined),
  });
  const early: SessionEvent[] = [];
  const detach = interactive
    ? bus.on((e) => early.push(e))
    : render.attachOutput({
        mode: output === "interactive" ? "compact" : output,
        bus,
        ctx,
        out: progress.wrap(ctx.stdout),
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
  // From here on a signal stops listen in order; a second one quits at once (cli.ts exits 130).
  const stop = signals.stopOnSignals(ctx);
  const forwardTimeoutMs = parseMs(flags.forwardTimeout, "--forward-timeout");
  const forwardAuth = {
    header: authHeader,
    value: flags.forwardAuth === "none" ? undefined : (flags.forwardAuth ?? secret),
  };
  if (interactive) selectProductionReact();
  const tuiModule = interactive ? await import("./listen-tui.js") : undefined;
  try {
    const result = await core.runListen({
      session: {
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
      },
      bus,
      tunnel:
        tunnel === "none"
          ? undefined
          : {
              mode: tunnel,
              // exit 4 instead of listening on locally: asked for on the command line, or needed
              required: tunnelExplicit || plan !== undefined,
              explicitBinary: flags.cloudflared ?? env.cloudflared,
              explicitLabel: flags.cloudflared ? "--cloudflared" : "OKHOOK_CLOUDFLARED",
              pathEnv: env.path,
              childEnv: childEnv(),
              token: tunnelToken,
              publicUrl: flags.publicUrl,
              readyTimeoutMs: parseMs(flags.tunnelTimeout, "--tunnel-timeout"),
            },
      register: plan && secret ? { plan, secret, authHeader } : undefined,
      stop: stop.signal,
      onProgress: progress.report,
      onStarted: (session) => {
        stop.whileStopping(() => session.store.deliveries.pendingForward().length);
        // what replay, send, show --curl, reconcile and `okhook secret` re-add: beside the DB, never in it
        secrets.recordListenerAuth(session.store, dbPath, {
          header: authHeader,
          secret,
          flagSecret: flags.secret,
          envSecret: env.secret,
          forwardAuth: flags.forwardAuth,
          targets: routes.targets(),
          warn: (message) => bus.emit({ type: "warning", message }),
        });
        if (!tuiModule) return;
        tui = tuiModule.mountListenTui({
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
        void tui.quitRequested.then(() => stop.request("quit"));
      },
    });
    if (interactive && result) {
      ctx.stdout.write(
        `okhook: stopped. Deliveries are stored in ${dbPath}.${render.pendingNote(result.pending)}\n`,
      );
    }
    return 0;
  } finally {
    progress.report(undefined);
    detach();
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
