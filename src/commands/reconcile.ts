import { existsSync } from "node:fs";
import type { Command } from "commander";
import { parseCount, resolveDbPath } from "../config.js";
import { UsageError } from "../errors.js";
import type { ReconcileResult, RunReconcileOptions } from "../reconcile/run.js";
import type { Store } from "../store/store.js";
import type { CliContext } from "./context.js";
import { openStoreForRead } from "./db-open.js";
import { collect, DB_FLAG_HELP } from "./options.js";

interface ReconcileFlags {
  since: string;
  until?: string;
  org?: string;
  eventType?: string[];
  hookId?: string;
  strict?: boolean;
  replayMissing?: boolean;
  to?: string;
  secret?: string;
  authHeader?: string;
  details: string;
  json?: boolean;
  db?: string;
}

/** Define `okhook reconcile`. */
export function registerReconcile(program: Command, ctx: CliContext): void {
  program
    .command("reconcile")
    .description(
      "compare Okta's System Log with the deliveries okhook received: missing, duplicated, unexpected, late",
    )
    .requiredOption("--since <dur|ISO>", "window start: 30m, 2h, 7d or an ISO time (≤ 180 days)")
    .option("--until <dur|ISO>", "window end (default: now, always sent so the query is bounded)")
    .option("--org <url>", "Okta org, https://<org>.okta.com (env: OKTA_ORG_URL)")
    .option(
      "--event-type <glob>",
      "event types to compare, repeatable (default: those the hook is subscribed to, read from Okta; else those received in the window)",
      collect,
    )
    .option(
      "--hook-id <id>",
      "the Okta event hook: its subscribed types are compared and its event_hook.delivery failures reported (default: the one okhook listen --register created)",
    )
    .option(
      "--strict",
      "duplicates, late events and Okta's delivery failures also count as differences (exit 1)",
      false,
    )
    .option("--replay-missing", "send the missing events to the target as Okta deliveries", false)
    .option(
      "--to <url>",
      "with --replay-missing: where to send (default: the forward target, else the listener)",
    )
    .option(
      "--secret <value>",
      "auth header value for --replay-missing (env: OKHOOK_SECRET; default: what the listener used)",
    )
    .option(
      "--auth-header <name>",
      "header that carries the secret (default: the listener's, else authorization)",
    )
    .option("--details <n>", "details shown per category (--json has all)", "20")
    .option("--json", "the full report as one JSON document", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Credentials come from the environment only: OKTA_API_TOKEN (sent as SSWS) or
OKTA_ACCESS_TOKEN (Bearer, scope okta.logs.read).

Exit codes: 0 in sync (nothing missing or unexpected; duplicates, late events and delivery
failures are reported, and counted only with --strict), 1 missing or unexpected events,
2 usage, 3 credentials, 4 network, 5 Okta API error. Waits on Okta (rate limit, retries)
are said on stderr.

Examples:
  $ OKTA_ORG_URL=https://dev-123.okta.com OKTA_API_TOKEN=… okhook reconcile --since 2h
  $ okhook reconcile --since 2h --replay-missing          backfill what never arrived
  $ okhook reconcile --since 7d --event-type 'user.lifecycle.*' --hook-id who1a2b3c --json`,
    )
    .action(async (flags: ReconcileFlags) => {
      process.exitCode = await runReconcileCommand(flags, ctx);
    });
}

async function runReconcileCommand(flags: ReconcileFlags, ctx: CliContext): Promise<number> {
  if (flags.to && !flags.replayMissing) {
    throw new UsageError("--to: only used with --replay-missing (add --replay-missing)");
  }
  const maxDetails = flags.json
    ? undefined
    : parseCount(flags.details, "--details", { min: 0, max: 1_000_000 });
  const { store, dbPath } = await openStore(flags, ctx);
  try {
    const [{ runReconcile }, render, { progressLine }] = await Promise.all([
      import("../reconcile/run.js"),
      import("../output/reconcile-render.js"),
      import("../output/reconcile-progress.js"),
    ]);
    const progress = progressLine(ctx.stderr, ctx.env);
    const options: RunReconcileOptions = {
      orgUrl: flags.org ?? ctx.env.oktaOrgUrl,
      apiToken: ctx.env.oktaApiToken,
      accessToken: ctx.env.oktaAccessToken,
      since: flags.since,
      until: flags.until,
      eventTypes: flags.eventType,
      hookId: flags.hookId,
      strict: flags.strict,
      store: store ?? undefined,
      maxDetails,
      replayMissing: flags.replayMissing
        ? await replayOptions(flags, ctx, store, dbPath)
        : undefined,
      signal: ctx.signal,
      onProgress: progress.update,
    };
    let result: ReconcileResult;
    try {
      result = await runReconcile(options);
    } finally {
      progress.done();
    }
    for (const w of result.warnings) ctx.stderr.write(render.warningLine(w, ctx.stderr, ctx.env));
    ctx.stdout.write(
      flags.json
        ? render.reconcileJson(result)
        : render.reconcileText(result, { stream: ctx.stdout, env: ctx.env, maxDetails }),
    );
    return result.report.inSync ? 0 : 1;
  } finally {
    store?.close();
  }
}

/** Open the database: created for --replay-missing (backfills are stored), else read if any. */
async function openStore(
  flags: ReconcileFlags,
  ctx: CliContext,
): Promise<{ store: Store | null; dbPath: string }> {
  const dbPath = resolveDbPath(flags.db, ctx.env);
  if (!flags.replayMissing || existsSync(dbPath)) {
    // Backfills are recorded in the database; without them reconcile only reads it.
    const { store, path } = await openStoreForRead(flags.db, ctx, {
      write: !!flags.replayMissing,
    });
    return { store, dbPath: path };
  }
  const [{ openDb }, { Store }] = await Promise.all([
    import("../store/db.js"),
    import("../store/store.js"),
  ]);
  return { store: new Store(openDb(dbPath)), dbPath };
}

/**
 * Target and auth for --replay-missing: `--secret` > OKHOOK_SECRET > what the database's
 * listener used there (the same lookup as replay). A value it used that is not stored here
 * stops the command before Okta is asked or anything is sent.
 */
async function replayOptions(
  flags: ReconcileFlags,
  ctx: CliContext,
  store: Store | null,
  dbPath: string,
): Promise<NonNullable<RunReconcileOptions["replayMissing"]>> {
  let to: string | undefined;
  if (flags.to) {
    const { normalizeTarget } = await import("../forward/routes.js");
    try {
      to = normalizeTarget(flags.to);
    } catch {
      throw new UsageError(
        `--to "${flags.to}": not an http(s) URL (try http://localhost:3000/hooks or 3000)`,
      );
    }
  }
  const { listenerView, requireKnown } = await import("./hook-target.js");
  const listener = await listenerView(
    { db: dbPath, secret: flags.secret, authHeader: flags.authHeader },
    ctx,
    store,
  );
  if (to) {
    const plan = requireKnown(listener.plan(to));
    if (!plan.send && plan.why === "other-target") {
      const { otherTargetNote } = await import("../listen/auth-plan.js");
      ctx.stderr.write(`okhook: note: ${otherTargetNote(listener.secrets, to)}\n`);
    }
  } else
    for (const role of ["app", "listener"] as const)
      requireKnown(listener.plan(listener.url, role));
  return { to, authFor: listener.plan, authHeader: flags.authHeader };
}
