import type { Command } from "commander";
import { DB_FLAG_HELP } from "../commands/options.js";
import type { ShowFlags } from "../commands/show.js";
import type { CommandHost } from "./host.js";

/** Define `okhook show` (flags and help; the work is in commands/show.ts, loaded on use). */
export function defineShow(program: Command, host: CommandHost): void {
  program
    .command("show")
    .argument(
      "<id>",
      "delivery id (full, short, or a unique prefix of either; any case), event uuid, or tunnel-log",
    )
    .description("print one delivery: request, events, every forward attempt")
    .option("--json", "the delivery as one JSON document", false)
    .option(
      "--body",
      "only the body: byte-exact into a pipe or file; on a terminal, control characters shown as symbols",
      false,
    )
    .option(
      "--raw",
      "with --body: the exact bytes even on a terminal (escape sequences included)",
      false,
    )
    .option(
      "--curl",
      "a curl command that re-sends it (auth: $OKHOOK_SECRET, else $(okhook secret))",
      false,
    )
    .option("--to <url>", "with --curl: where to send (default: the listener that received it)")
    .option(
      "--auth-header <name>",
      "header that carries the secret (default: the listener's, else authorization)",
    )
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook show 7f3k2q9a
  $ okhook show 7f3k2q9a --body | jq .data.events
  $ okhook show 7f3k2q9a --body --raw       the exact bytes even on a terminal
  $ sh -c "$(okhook show 7f3k2q9a --curl)"
  $ okhook show 7f3k2q9a --curl --to localhost:3000/hooks`,
    )
    .action(async (id: string, flags: ShowFlags) => {
      const { showCommand } = await import("../commands/show.js");
      host.settle(await showCommand(id, flags, host.ctx));
    });
}
