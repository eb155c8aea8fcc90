import type { Command } from "commander";
import { parseCount } from "../config.js";
import { Interrupted, NetworkError } from "../errors.js";
import type { CliContext, CommandResult } from "./context.js";
import { collect, DB_FLAG_HELP } from "./options.js";

interface SendFixtureFlags {
  to?: string;
  secret?: string;
  authHeader: string;
  set?: string[];
  count: string;
  batch?: boolean;
  keepIds?: boolean;
  duplicate?: boolean;
  json?: boolean;
  db?: string;
}

interface SendVerifyFlags {
  to?: string;
  secret?: string;
  authHeader: string;
  json?: boolean;
  db?: string;
}

/** Define `okhook send fixture` and `okhook send verify`. */
export function registerSend(program: Command, ctx: CliContext): void {
  const send = program
    .command("send")
    .description("send Okta-shaped deliveries, or play Okta's verification, against any endpoint");
  send
    .command("fixture")
    .argument(
      "<name|file...>",
      "fixture names (tab-completable prefixes) or JSON files of LogEvents",
    )
    .description(
      "send realistic Okta deliveries built from fixtures, with Okta's envelope and headers",
    )
    .option("--to <url>", "where to send (default: the running okhook listener)")
    .option(
      "--secret <value>",
      "auth header value (env: OKHOOK_SECRET; default: the listener's generated secret)",
    )
    .option("--auth-header <name>", "header that carries the secret", "authorization")
    .option(
      "--set <path=value>",
      "edit the payload: envelope paths, or event paths applied to every event (repeatable)",
      collect,
    )
    .option("--count <n>", "send the set this many times, fresh ids each time", "1")
    .option("--batch", "all events in one delivery, as Okta batches", false)
    .option("--keep-ids", "keep the fixture's uuids and timestamps", false)
    .option("--duplicate", "send every delivery twice (at-least-once drill)", false)
    .option("--json", "NDJSON result per delivery", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook send fixture user.lifecycle.deactivate
  $ okhook send fixture user.lifecycle.create group.user_membership.add --batch
  $ okhook send fixture ./my-event.json --to http://localhost:3000/okta --set outcome.result=FAILURE`,
    )
    .action(async (names: string[], flags: SendFixtureFlags) => {
      process.exitCode = (await runSendFixture(names, flags, ctx)) ?? 0;
    });
  send
    .command("verify")
    .description(
      "play Okta's one-time verification GET and say whether Okta would mark the hook VERIFIED",
    )
    .option("--to <url>", "endpoint to verify (default: the running okhook listener)")
    .option("--secret <value>", "auth header value (env: OKHOOK_SECRET)")
    .option("--auth-header <name>", "header that carries the secret", "authorization")
    .option("--json", "the verdict as JSON", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook send verify
  $ okhook send verify --to https://my-app.example.com/okta/hooks`,
    )
    .action(async (flags: SendVerifyFlags) => {
      process.exitCode = (await runSendVerify(flags, ctx)) ?? 0;
    });
}

async function runSendFixture(
  names: string[],
  flags: SendFixtureFlags,
  ctx: CliContext,
): Promise<CommandResult> {
  const count = parseCount(flags.count, "--count", { min: 1, max: 100_000 });
  const [
    { loadFixture },
    { materialise },
    { parseSetArg },
    { sendDelivery },
    { deliveryHeaders },
    render,
  ] = await Promise.all([
    import("../fixtures/catalog.js"),
    import("../fixtures/materialise.js"),
    import("../payload/edit.js"),
    import("../fixtures/send.js"),
    import("../okta/delivery.js"),
    import("../output/send-render.js"),
  ]);
  const edits = (flags.set ?? []).map(parseSetArg);
  const loaded = names.map((n) => loadFixture(n));
  for (const w of loaded.flatMap((f) => f.warnings)) ctx.stderr.write(`okhook: warning: ${w}\n`);
  const events = loaded.flatMap((f) => f.events);
  const { url, secret, secretSource, toListener } = await sendTarget(flags, ctx);
  const print = render.sendPrinter(ctx, { json: !!flags.json, url });
  let accepted = 0;
  let unreachable = 0;
  let sent = 0;
  for (let round = 0; round < count; round++) {
    for (const envelope of materialise(events, {
      keepIds: flags.keepIds,
      batch: flags.batch,
      edits,
    })) {
      const body = Buffer.from(JSON.stringify(envelope));
      const headers = deliveryHeaders({ secret, authHeader: flags.authHeader });
      if (toListener) headers["x-okhook-fixture"] = names.join(",").slice(0, 200);
      for (let copy = 0; copy < (flags.duplicate ? 2 : 1); copy++) {
        if (ctx.signal.aborted) throw new Interrupted(`interrupted after ${sent} deliveries`);
        const result = await sendDelivery({ url, body, headers, signal: ctx.signal });
        sent++;
        if (result.verdict === "accepted") accepted++;
        if (result.status === undefined) unreachable++;
        print.delivery({ envelope, result, copy });
      }
    }
  }
  print.summary({ sent, accepted, secretSource });
  if (ctx.signal.aborted) throw new Interrupted();
  if (unreachable === sent && toListener) {
    // The first thing a new user may try: sending before anything listens.
    throw new NetworkError(
      `nothing is listening at ${url}: start okhook listen (in another terminal, with the same --db) or pass --to <url>`,
    );
  }
  if (unreachable === sent) return 4;
  return accepted === sent ? 0 : 1;
}

/**
 * Where to send and with which secret: `--to` or the listener; the listener's generated secret
 * is only ever sent to the listener itself.
 */
async function sendTarget(
  flags: { to?: string; secret?: string; db?: string },
  ctx: CliContext,
): Promise<{ url: string; secret: string | undefined; secretSource: string; toListener: boolean }> {
  const [{ normalizeTarget }, { listenerTarget }] = await Promise.all([
    import("../forward/routes.js"),
    import("./hook-target.js"),
  ]);
  const listener = await listenerTarget({ db: flags.db, secret: flags.secret }, ctx);
  const url = flags.to ? normalizeTarget(flags.to, flags.to, "--to") : listener.url;
  const foreign = listener.secretSource === "generated" && url !== listener.url;
  const toListener = url === listener.url;
  return foreign || !listener.secret
    ? { url, secret: undefined, secretSource: "none", toListener }
    : { url, secret: listener.secret, secretSource: listener.secretSource, toListener };
}

async function runSendVerify(flags: SendVerifyFlags, ctx: CliContext): Promise<CommandResult> {
  const [{ verifyEndpoint }, render] = await Promise.all([
    import("../fixtures/verify.js"),
    import("../output/send-render.js"),
  ]);
  const { url, secret } = await sendTarget(flags, ctx);
  const result = await verifyEndpoint({
    url,
    secret,
    authHeader: flags.authHeader,
    signal: ctx.signal,
  });
  if (ctx.signal.aborted) throw new Interrupted();
  ctx.stdout.write(
    flags.json ? render.verifyJson(url, result) : render.verifyText(url, result, ctx),
  );
  if (result.verified) return 0;
  return result.rule === "connection" || result.rule === "dns" ? 4 : 1;
}
