import type { Command } from "commander";
import { collect, DB_FLAG_HELP } from "../commands/options.js";
import type { ReplayFlags } from "../commands/replay.js";
import type { CommandHost } from "./host.js";

/** Define `okhook replay` (flags and help; the work is in commands/replay.ts, loaded on use). */
export function defineReplay(program: Command, host: CommandHost): void {
  program
    .command("replay")
    .argument(
      "[ids...]",
      "delivery ids (full, short, or a unique prefix of either; any case) or event uuids",
    )
    .description("re-send stored deliveries to your app, as they were or edited")
    .option("--failed", "deliveries whose last attempt was not 2xx, or never forwarded", false)
    .option("--since <dur|ISO>", "received after (30m, 2h, 7d or an ISO time)")
    .option("--until <dur|ISO>", "received before")
    .option("--event-type <glob>", "only deliveries with an event of this type ('user.*')")
    .option("--all", "every stored delivery (asks for confirmation)", false)
    .option("-y, --yes", "do not ask for confirmation (needed without a terminal)", false)
    .option("--to <url>", "where to send (default: the original forward target, else the listener)")
    .option(
      "--via-listener",
      "send through the running okhook listen (exercises auth + logging)",
      false,
    )
    .option(
      "--set <path=value>",
      "edit every event (outcome.result=FAILURE); envelope.<path> or data.… edits the envelope; repeatable",
      collect,
    )
    .option("--fresh-ids", "new event uuids and eventId (past your app's idempotency check)", false)
    .option("--concurrency <n>", "parallel sends", "4")
    .option("--rate <n/s>", "at most this many sends per second")
    .option("--timeout <ms>", "per send", "10000")
    .option("--secret <value>", "auth header value to send (env: OKHOOK_SECRET)")
    .option(
      "--auth-header <name>",
      "header that carries it (default: as received, else authorization)",
    )
    .option("--dry-run", "print what would be sent; send and store nothing", false)
    .option("--json", "NDJSON result per delivery", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook replay --failed
  $ okhook replay 7f3k2q9a --set 'outcome.result=FAILURE' --fresh-ids
  $ okhook replay --since 2h --event-type 'user.*' --to 3000/hooks --rate 20`,
    )
    .action(async (ids: string[], flags: ReplayFlags) => {
      const { replayCommand } = await import("../commands/replay.js");
      host.settle(await replayCommand(ids, flags, host.ctx));
    });
}
