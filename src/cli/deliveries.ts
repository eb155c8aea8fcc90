import type { Command } from "commander";
import type { DeliveriesFlags } from "../commands/deliveries.js";
import { DB_FLAG_HELP } from "../commands/options.js";
import type { CommandHost } from "./host.js";

/** Define `okhook deliveries` (flags and help; the work is in commands/deliveries.ts, loaded on use). */
export function defineDeliveries(program: Command, host: CommandHost): void {
  program
    .command("deliveries")
    .alias("ls")
    .description("list stored deliveries, newest first")
    .option("--limit <n>", "how many", "50")
    .option(
      "--status <s>",
      "kind (delivery, rejected, invalid, …), forward state (pending, forwarded, failed) or HTTP status; a comma list matches any of them",
    )
    .option(
      "--event-type <glob>",
      "only deliveries with an event of this type (e.g. 'user.lifecycle.*')",
    )
    .option("--since <dur|ISO>", "received after (30m, 2h, 7d or an ISO time)")
    .option("--until <dur|ISO>", "received before")
    .option("--before <id>", "page: deliveries older than this id")
    .option("--json", "one JSON document", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook deliveries --status failed
  $ okhook deliveries --event-type 'group.user_membership.*' --since 2h --json`,
    )
    .action(async (flags: DeliveriesFlags) => {
      const { deliveriesCommand } = await import("../commands/deliveries.js");
      host.settle(await deliveriesCommand(flags, host.ctx));
    });
}
