import { existsSync } from "node:fs";
import { parseCount, resolveDbPath } from "../config.js";
import { UsageError } from "../errors.js";
import { normalizeTarget } from "../forward/routes.js";
import { findListener, otherTargetNote, requireKnown } from "../listen/listener-auth.js";
import { validateOrgUrl } from "../okta/org-url.js";
import { progressLine } from "../output/reconcile-progress.js";
import { reconcileJson, reconcileText, warningLine } from "../output/reconcile-render.js";
import { type ReconcileResult, type RunReconcileOptions, runReconcile } from "../reconcile/run.js";
import { openDb } from "../store/db.js";
import { Store } from "../store/store.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { openStoreForRead } from "./db-open.js";
import { flagOrEnv } from "./options.js";

/** `okhook reconcile` flags as commander parses them. */
export interface ReconcileFlags {
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

/** `okhook reconcile`: Okta's System Log against the stored deliveries, reported. */
export async function reconcileCommand(flags: ReconcileFlags, ctx: CliContext): Promise<Outcome> {
  if (flags.to && !flags.replayMissing) {
    throw new UsageError("--to: only used with --replay-missing (add --replay-missing)");
  }
  const maxDetails = flags.json
    ? undefined
    : parseCount(flags.details, "--details", { min: 0, max: 1_000_000 });
  const org = flagOrEnv("--org", flags.org, "OKTA_ORG_URL", ctx.env.oktaOrgUrl);
  // checked here so a bad OKTA_ORG_URL is named as such (the client checks it again)
  const orgUrl = org ? validateOrgUrl(org.value, org.from) : undefined;
  const { store, dbPath } = await openStore(flags, ctx);
  try {
    const progress = progressLine(ctx.stderr, ctx.env);
    const options: RunReconcileOptions = {
      orgUrl,
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
    for (const w of result.warnings) ctx.stderr.write(warningLine(w, ctx.stderr, ctx.env));
    ctx.stdout.write(
      flags.json
        ? reconcileJson(result)
        : reconcileText(result, { stream: ctx.stdout, env: ctx.env, maxDetails }),
    );
    return result.report.inSync ? OUTCOME.ok : OUTCOME.problemFound;
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
    try {
      to = normalizeTarget(flags.to);
    } catch {
      throw new UsageError(
        `--to "${flags.to}": not an http(s) URL (try http://localhost:3000/hooks or 3000)`,
      );
    }
  }
  const listener = findListener(
    resolveDbPath(dbPath, ctx.env),
    { flag: flags.secret, env: ctx.env.secret, header: flags.authHeader },
    store,
  );
  if (to) {
    const plan = requireKnown(listener.plan(to));
    if (!plan.send && plan.why === "other-target") {
      ctx.stderr.write(`okhook: note: ${otherTargetNote(listener.secrets, to)}\n`);
    }
  } else
    for (const role of ["app", "listener"] as const)
      requireKnown(listener.plan(listener.url, role));
  return { to, authFor: listener.plan, authHeader: flags.authHeader };
}
