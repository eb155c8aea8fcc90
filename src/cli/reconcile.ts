import type { Command } from "commander";
import { collect, DB_FLAG_HELP } from "../commands/options.js";
import type { ReconcileFlags } from "../commands/reconcile.js";
import type { CommandHost } from "./host.js";

/** Define `okhook reconcile` (flags and help; the work is in commands/reconcile.ts, loaded on use). */
export function defineReconcile(program: Command, host: CommandHost): void {
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
OKTA_ACCESS_TOKEN (Bearer, scope okta.logs.read; okta.eventHooks.read to compare
the hook's subscribed types).

Exit codes: 0 in sync (nothing missing or unexpected; duplicates, late events
and delivery failures are reported, and counted only with --strict), 1 missing
or unexpected events, 2 usage, 3 credentials, 4 network, 5 Okta API error, 130
interrupted. Waits on Okta (rate limit, retries) are said on stderr.

Examples:
  $ export OKTA_ORG_URL=https://dev-123.okta.com OKTA_API_TOKEN=…
  $ okhook reconcile --since 2h
  $ okhook reconcile --since 2h --replay-missing   backfill what never arrived
  $ okhook reconcile --since 7d --event-type 'user.*' --hook-id who1a2b3c --json`,
    )
    .action(async (flags: ReconcileFlags) => {
      const { reconcileCommand } = await import("../commands/reconcile.js");
      host.settle(await reconcileCommand(flags, host.ctx));
    });
}
