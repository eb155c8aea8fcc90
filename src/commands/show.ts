import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { CurlAuth } from "../output/curl.js";
import { shortId } from "../store/ids.js";
import type { Store } from "../store/store.js";
import type { DeliveryRow } from "../store/types.js";
import { hasUnsafe, safeLines } from "../text/sanitize.js";
import type { CliContext } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";
import { DB_FLAG_HELP } from "./options.js";

interface ShowFlags {
  json?: boolean;
  body?: boolean;
  raw?: boolean;
  curl?: boolean;
  to?: string;
  authHeader?: string;
  db?: string;
}

/** Define `okhook show`. */
export function registerShow(program: Command, ctx: CliContext): void {
  program
    .command("show")
    .argument(
      "<id>",
      "delivery id (full, short, or a unique prefix of either; any case), event uuid, or tunnel-log",
    )
    .description("print one delivery: request, events, every forward attempt")
    .option("--json", "the delivery as one JSON document", false)
    .option(
      "--body",
      "only the body: byte-exact into a pipe or file; on a terminal, control characters shown as symbols",
      false,
    )
    .option(
      "--raw",
      "with --body: the exact bytes even on a terminal (escape sequences included)",
      false,
    )
    .option(
      "--curl",
      "a curl command that re-sends it (auth: $OKHOOK_SECRET, else $(okhook secret))",
      false,
    )
    .option("--to <url>", "with --curl: where to send (default: the listener that received it)")
    .option(
      "--auth-header <name>",
      "header that carries the secret (default: the listener's, else authorization)",
    )
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook show 7f3k2q9a
  $ okhook show 7f3k2q9a --body | jq .data.events
  $ okhook show 7f3k2q9a --body --raw       the exact bytes even on a terminal
  $ sh -c "$(okhook show 7f3k2q9a --curl)"
  $ okhook show 7f3k2q9a --curl --to localhost:3000/hooks`,
    )
    .action(async (id: string, flags: ShowFlags) => {
      process.exitCode = await runShow(id, flags, ctx);
    });
}

async function runShow(ref: string, flags: ShowFlags, ctx: CliContext): Promise<number> {
  if (ref === "tunnel-log") return showTunnelLog(flags, ctx);
  if ([flags.json, flags.body, flags.curl].filter(Boolean).length > 1) {
    throw new UsageError("--json, --body and --curl: pick one");
  }
  if (flags.raw && !flags.body)
    throw new UsageError("--raw: only with --body (okhook show <id> --body --raw)");
  const { store, path } = await openStoreForRead(flags.db, ctx);
  if (!store) throw new UsageError(`"${ref}": no deliveries yet (${path} does not exist)`);
  return withStore(store, path, async (store) => {
    const { delivery } = store.lookup.resolve(ref);
    const body = store.deliveries.body(delivery.seq);
    if (flags.body) {
      if (body)
        ctx.stdout.write(flags.raw || !ctx.stdout.isTTY ? body : safeLines(body.toString("utf8")));
      return 0;
    }
    const render = await import("../output/show-render.js");
    if (flags.curl) {
      const { curlCommand } = await import("../output/curl.js");
      const { normalizeTarget } = await import("../forward/routes.js");
      const url = flags.to
        ? normalizeTarget(flags.to)
        : (store.meta.get("listener.url") ?? `http://127.0.0.1:8787${delivery.path}`);
      const auth = await curlAuth({ url, flags, ctx, store, path, delivery });
      const command = curlCommand({
        url,
        method: delivery.method,
        headers: delivery.headers,
        body,
        authHeader: auth?.header ?? flags.authHeader ?? "authorization",
        auth,
      });
      // Exact into a pipe (`sh -c "$(okhook show … --curl)"`); on a terminal the body's
      // control characters are shown, not sent to the terminal.
      ctx.stdout.write(ctx.stdout.isTTY ? safeLines(command) : command);
      if (ctx.stdout.isTTY && hasUnsafe(command))
        ctx.stderr.write(
          `okhook: the body holds control characters, shown as symbols above; for the exact bytes run: sh -c "$(okhook show ${shortId(delivery.id)} --curl)"\n`,
        );
      return 0;
    }
    const detail = {
      delivery,
      body,
      events: store.deliveries.events(delivery.seq),
      attempts: store.attempts.of(delivery.seq),
    };
    ctx.stdout.write(flags.json ? render.showJson(detail) : render.showText(detail, ctx));
    return 0;
  });
}

/**
 * The curl command's auth header, as a re-send needs it: the listener's own secret on its
 * URL, what forwarding sends on the app's. The value is looked up when the command runs
 * (`$OKHOOK_SECRET` first, else `okhook secret`), so it is never printed here.
 */
async function curlAuth(o: {
  url: string;
  flags: ShowFlags;
  ctx: CliContext;
  store: Store;
  path: string;
  delivery: DeliveryRow;
}): Promise<CurlAuth | null | undefined> {
  const [{ listenerView }, { roleOf, otherTargetNote }, { ENV_SECRET_EXPR, shellQuote }] =
    await Promise.all([
      import("./hook-target.js"),
      import("../listen/auth-plan.js"),
      import("../output/curl.js"),
    ]);
  const { inferAuthHeader } = await import("../replay/prepare.js");
  const listener = await listenerView(
    { db: o.flags.db, authHeader: o.flags.authHeader },
    o.ctx,
    o.store,
  );
  const s = listener.secrets;
  const role = roleOf(s, o.url, o.flags.to ? undefined : "listener");
  const plan = listener.plan(o.url, role, inferAuthHeader(o.delivery.headers));
  const header = plan.header;
  const known = role === "app" ? s.forward : role === "listener" ? s.inbound : undefined;
  const lookup = (forward: boolean) =>
    `$(okhook secret${forward ? " --forward" : ""} --db ${shellQuote(resolve(o.path))})`;
  if (plan.send && known?.state === "value") {
    if (role === "app" && s.forwardMode === "custom") return { header, expr: lookup(true) };
    return { header, expr: `\${OKHOOK_SECRET:-${lookup(false)}}` };
  }
  if (plan.send) return { header, expr: ENV_SECRET_EXPR };
  if (plan.why === "unknown") {
    o.ctx.stderr.write(
      `okhook: note: the listener's ${header} value is not stored here (${s.file}); the command reads it from $OKHOOK_SECRET\n`,
    );
    return { header, expr: ENV_SECRET_EXPR };
  }
  if (plan.why === "other-target")
    o.ctx.stderr.write(`okhook: note: ${otherTargetNote(s, o.url)}\n`);
  // No listener recorded how it authenticates: as before, $OKHOOK_SECRET when one came in.
  return plan.why === "no-listener" ? undefined : null;
}

/** cloudflared's last 200 log lines from the latest `listen` on this database. */
async function showTunnelLog(flags: ShowFlags, ctx: CliContext): Promise<number> {
  const [{ readFileSync, existsSync }, { resolveDbPath }] = await Promise.all([
    import("node:fs"),
    import("../config.js"),
  ]);
  const file = `${resolveDbPath(flags.db, ctx.env)}.tunnel.log`;
  if (!existsSync(file))
    throw new UsageError(
      `tunnel-log: no cloudflared log yet at ${file} (okhook listen writes it when a tunnel runs)`,
    );
  // cloudflared logs request paths and errors that quote what the internet sent
  ctx.stdout.write(safeLines(readFileSync(file, "utf8")));
  return 0;
}
