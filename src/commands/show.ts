import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { resolveDbPath } from "../config.js";
import { UsageError } from "../errors.js";
import { normalizeTarget } from "../forward/routes.js";
import { curlAuthPlan, findListener, otherTargetNote } from "../listen/listener-auth.js";
import { type CurlAuth, curlAuth, curlCommand } from "../output/curl.js";
import { showJson, showText, tunnelLogJson } from "../output/show-render.js";
import { inferAuthHeader } from "../replay/prepare.js";
import { shortId } from "../store/ids.js";
import type { Store } from "../store/store.js";
import type { DeliveryRow } from "../store/types.js";
import { hasUnsafe, safeLines } from "../text/sanitize.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";

/** `okhook show` flags as commander parses them. */
export interface ShowFlags {
  json?: boolean;
  body?: boolean;
  raw?: boolean;
  curl?: boolean;
  to?: string;
  authHeader?: string;
  db?: string;
}

/** `okhook show`: one delivery (text, JSON, body or a curl command), or the tunnel log. */
export async function showCommand(
  ref: string,
  flags: ShowFlags,
  ctx: CliContext,
): Promise<Outcome> {
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
      return OUTCOME.ok;
    }
    if (flags.curl) {
      const url = flags.to
        ? normalizeTarget(flags.to)
        : (store.meta.get("listener.url") ?? `http://127.0.0.1:8787${delivery.path}`);
      const auth = showCurlAuth({ url, flags, ctx, store, path, delivery });
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
      return OUTCOME.ok;
    }
    const detail = {
      delivery,
      body,
      events: store.deliveries.events(delivery.seq),
      attempts: store.attempts.of(delivery.seq),
      inline: delivery.kind === "inline" ? store.inline.of(delivery.seq) : [],
    };
    ctx.stdout.write(flags.json ? showJson(detail) : showText(detail, ctx));
    return OUTCOME.ok;
  });
}

/**
 * The curl command's auth header, as a re-send needs it: the listener's own secret on its
 * URL, what forwarding sends on the app's. The value is looked up when the command runs
 * (`$OKHOOK_SECRET` first, else `okhook secret`), so it is never printed here.
 */
function showCurlAuth(o: {
  url: string;
  flags: ShowFlags;
  ctx: CliContext;
  store: Store;
  path: string;
  delivery: DeliveryRow;
}): CurlAuth | null | undefined {
  const listener = findListener(
    o.path,
    { env: o.ctx.env.secret, header: o.flags.authHeader },
    o.store,
  );
  const plan = curlAuthPlan(listener, o.url, {
    hint: o.flags.to ? undefined : "listener",
    fallbackHeader: inferAuthHeader(o.delivery.headers),
  });
  const s = listener.secrets;
  if (plan.add === "env" && plan.note === "unknown")
    o.ctx.stderr.write(
      `okhook: note: the listener's ${plan.header} value is not stored here (${s.file}); the command reads it from $OKHOOK_SECRET\n`,
    );
  if (plan.add === "none" && plan.note === "other-target")
    o.ctx.stderr.write(`okhook: note: ${otherTargetNote(s, o.url)}\n`);
  return curlAuth(plan, { db: resolve(o.path) });
}

/** cloudflared's last 200 log lines from the latest `listen` on this database. */
function showTunnelLog(flags: ShowFlags, ctx: CliContext): Outcome {
  if (flags.body || flags.curl || flags.raw || flags.to)
    throw new UsageError(
      "tunnel-log: --body, --raw, --curl and --to apply to a delivery (okhook show tunnel-log [--json])",
    );
  const file = `${resolveDbPath(flags.db, ctx.env)}.tunnel.log`;
  if (!existsSync(file))
    throw new UsageError(
      `tunnel-log: no cloudflared log yet at ${file} (okhook listen writes it when a tunnel runs)`,
    );
  // cloudflared logs request paths and errors that quote what the internet sent
  const text = readFileSync(file, "utf8");
  ctx.stdout.write(flags.json ? tunnelLogJson(file, text) : safeLines(text));
  return OUTCOME.ok;
}
