import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { CliContext } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";
import { DB_FLAG_HELP } from "./options.js";

interface ShowFlags {
  json?: boolean;
  body?: boolean;
  curl?: boolean;
  to?: string;
  authHeader: string;
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
    .option("--body", "only the raw body bytes", false)
    .option("--curl", "a curl command that re-sends it (auth from $OKHOOK_SECRET)", false)
    .option("--to <url>", "with --curl: where to send (default: the listener that received it)")
    .option("--auth-header <name>", "header that carries the secret", "authorization")
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook show 7f3k2q9a
  $ okhook show 7f3k2q9a --body | jq .data.events
  $ OKHOOK_SECRET=… sh -c "$(okhook show 7f3k2q9a --curl)"`,
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
  const { store, path } = await openStoreForRead(flags.db, ctx);
  if (!store) throw new UsageError(`"${ref}": no deliveries yet (${path} does not exist)`);
  return withStore(store, path, async (store) => {
    const { delivery } = store.resolve(ref);
    const body = store.body(delivery.seq);
    if (flags.body) {
      if (body) ctx.stdout.write(body);
      return 0;
    }
    const render = await import("../output/show-render.js");
    if (flags.curl) {
      const { curlCommand } = await import("../output/curl.js");
      const { normalizeTarget } = await import("../forward/routes.js");
      const url = flags.to
        ? normalizeTarget(flags.to)
        : (store.getMeta("listener.url") ?? `http://127.0.0.1:8787${delivery.path}`);
      ctx.stdout.write(
        curlCommand({
          url,
          method: delivery.method,
          headers: delivery.headers,
          body,
          authHeader: flags.authHeader,
        }),
      );
      return 0;
    }
    const detail = {
      delivery,
      body,
      events: store.events(delivery.seq),
      attempts: store.attempts(delivery.seq),
    };
    ctx.stdout.write(flags.json ? render.showJson(detail) : render.showText(detail, ctx));
    return 0;
  });
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
  ctx.stdout.write(readFileSync(file, "utf8"));
  return 0;
}
