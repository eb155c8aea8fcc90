import type { Command } from "commander";
import { parseCount } from "../config.js";
import { Interrupted, NetworkError } from "../errors.js";
import type { CliContext, CommandResult } from "./context.js";
import { collect, DB_FLAG_HELP } from "./options.js";

interface SendFixtureFlags {
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

interface SendVerifyFlags {
  to?: string;
  secret?: string;
  authHeader?: string;
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
      "auth header value (env: OKHOOK_SECRET; default: the secret the listener uses)",
    )
    .option(
      "--auth-header <name>",
      "header that carries the secret (default: the listener's, else authorization)",
    )
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
    .option(
      "--auth-header <name>",
      "header that carries the secret (default: the listener's, else authorization)",
    )
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
  const { url, secret, authHeader, secretSource, toListener } = await sendTarget(flags, ctx);
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
      const headers = deliveryHeaders({ secret, authHeader });
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
 * Where to send and with which secret: `--to` or the listener. The values the listener uses
 * go only to the listener itself and to the apps it forwards to, as forwarding sends them.
 */
async function sendTarget(
  flags: { to?: string; secret?: string; authHeader?: string; db?: string },
  ctx: CliContext,
): Promise<{
  url: string;
  secret: string | undefined;
  authHeader: string;
  secretSource: string;
  toListener: boolean;
}> {
  const [{ normalizeTarget }, target, { otherTargetNote }] = await Promise.all([
    import("../forward/routes.js"),
    import("./hook-target.js"),
    import("../listen/auth-plan.js"),
  ]);
  const listener = await target.listenerView(flags, ctx);
  const url = flags.to ? normalizeTarget(flags.to, flags.to, "--to") : listener.url;
  const toListener = url === listener.url;
  const plan = target.requireKnown(listener.plan(url, toListener ? "listener" : undefined));
  if (!plan.send && plan.why === "other-target")
    ctx.stderr.write(`okhook: note: ${otherTargetNote(listener.secrets, url)}\n`);
  return {
    url,
    secret: plan.send ? plan.value : undefined,
    authHeader: plan.header,
    secretSource: target.authSourceLabel(plan, listener.secrets),
    toListener,
  };
}

async function runSendVerify(flags: SendVerifyFlags, ctx: CliContext): Promise<CommandResult> {
  const [{ verifyEndpoint }, render] = await Promise.all([
    import("../fixtures/verify.js"),
    import("../output/send-render.js"),
  ]);
  const { url, secret, authHeader } = await sendTarget(flags, ctx);
  const result = await verifyEndpoint({
    url,
    secret,
    authHeader,
    signal: ctx.signal,
  });
  if (ctx.signal.aborted) throw new Interrupted();
  ctx.stdout.write(
    flags.json ? render.verifyJson(url, result) : render.verifyText(url, result, ctx),
  );
  if (result.verified) return 0;
  return result.rule === "connection" || result.rule === "dns" ? 4 : 1;
}
