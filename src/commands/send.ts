import { parseCount, resolveDbPath, resolveFixturesDir } from "../config.js";
import { Interrupted, NetworkError, UsageError } from "../errors.js";
import { loadFixture } from "../fixtures/catalog.js";
import { sendFixtures } from "../fixtures/run.js";
import { verifyEndpoint } from "../fixtures/verify.js";
import { normalizeTarget } from "../forward/routes.js";
import {
  authSourceLabel,
  findListener,
  otherTargetNote,
  requireKnown,
} from "../listen/listener-auth.js";
import { sendPrinter, verifyJson, verifyText } from "../output/send-render.js";
import { parseSetArg } from "../payload/edit.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";

/** `okhook send fixture` flags as commander parses them. */
export interface SendFixtureFlags {
  to?: string;
  secret?: string;
  authHeader?: string;
  set?: string[];
  count: string;
  batch?: boolean;
  keepIds?: boolean;
  duplicate?: boolean;
  json?: boolean;
  db?: string;
}

/** `okhook send verify` flags as commander parses them. */
export interface SendVerifyFlags {
  to?: string;
  secret?: string;
  authHeader?: string;
  json?: boolean;
  db?: string;
}

/** `okhook send fixture`: fixtures → Okta-shaped deliveries → the endpoint's answers, judged. */
export async function sendFixtureCommand(
  names: string[],
  flags: SendFixtureFlags,
  ctx: CliContext,
): Promise<Outcome> {
  const count = parseCount(flags.count, "--count", { min: 1, max: 100_000 });
  const edits = (flags.set ?? []).map(parseSetArg);
  const userDir = resolveFixturesDir(undefined, ctx.env);
  const loaded = names.map((n) => loadFixture(n, { userDir }));
  for (const w of loaded.flatMap((f) => f.warnings)) ctx.stderr.write(`okhook: warning: ${w}\n`);
  const { url, secret, authHeader, secretSource, toListener } = await sendTarget(flags, ctx);
  const print = sendPrinter(ctx, { json: !!flags.json, url });
  const run = await sendFixtures({
    events: loaded.flatMap((f) => f.events),
    url,
    auth: { secret, authHeader },
    extraHeaders: toListener ? { "x-okhook-fixture": names.join(",").slice(0, 200) } : undefined,
    rounds: count,
    batch: flags.batch,
    keepIds: flags.keepIds,
    edits,
    duplicate: flags.duplicate,
    signal: ctx.signal,
    onDelivery: print.delivery,
  });
  if (run.stoppedEarly) throw new Interrupted(`interrupted after ${run.sent} deliveries`);
  print.summary({ sent: run.sent, accepted: run.accepted, secretSource });
  if (ctx.signal.aborted) throw new Interrupted();
  if (run.verdict === "unreachable" && toListener) {
    // The first thing a new user may try: sending before anything listens.
    throw new NetworkError(
      `nothing is listening at ${url}: start okhook listen (in another terminal, with the same --db) or pass --to <url>`,
    );
  }
  if (run.verdict === "unreachable") return OUTCOME.unreachable;
  return run.verdict === "all-accepted" ? OUTCOME.ok : OUTCOME.problemFound;
}

/**
 * Where to send and with which secret: `--to` or the listener (`listenerUrl` picks another of
 * its URLs, e.g. its inline hook path). The values the listener uses go only to the listener
 * itself and to the apps it forwards to, as forwarding sends them.
 */
export async function sendTarget(
  flags: { to?: string; secret?: string; authHeader?: string; db?: string },
  ctx: CliContext,
  listenerUrl?: (hookUrl: string) => string,
): Promise<{
  url: string;
  secret: string | undefined;
  authHeader: string;
  secretSource: string;
  toListener: boolean;
}> {
  const listener = findListener(resolveDbPath(flags.db, ctx.env), {
    flag: flags.secret,
    env: ctx.env.secret,
    header: flags.authHeader,
  });
  const own = listenerUrl ? listenerUrl(listener.url) : listener.url;
  const url = flags.to ? normalizeTarget(flags.to, flags.to, "--to") : own;
  const toListener = url === own;
  const plan = requireKnown(listener.plan(url, toListener ? "listener" : undefined));
  if (!plan.send && plan.why === "other-target")
    ctx.stderr.write(`okhook: note: ${otherTargetNote(listener.secrets, url)}\n`);
  if (plan.send && plan.from !== "listener" && /[\r\n\0]/.test(plan.value))
    throw new UsageError(`${plan.from}: contains a line break or NUL, which no header can carry`);
  return {
    url,
    secret: plan.send ? plan.value : undefined,
    authHeader: plan.header,
    secretSource: authSourceLabel(plan, listener.secrets),
    toListener,
  };
}

/** `okhook send verify`: play Okta's verification GET and judge the answer. */
export async function sendVerifyCommand(flags: SendVerifyFlags, ctx: CliContext): Promise<Outcome> {
  const { url, secret, authHeader } = await sendTarget(flags, ctx);
  const result = await verifyEndpoint({
    url,
    secret,
    authHeader,
    signal: ctx.signal,
  });
  if (ctx.signal.aborted) throw new Interrupted();
  ctx.stdout.write(flags.json ? verifyJson(url, result) : verifyText(url, result, ctx));
  if (result.verified) return OUTCOME.ok;
  return result.rule === "connection" || result.rule === "dns"
    ? OUTCOME.unreachable
    : OUTCOME.problemFound;
}
