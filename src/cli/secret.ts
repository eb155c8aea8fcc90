import type { Command } from "commander";
import { DB_FLAG_HELP } from "../commands/options.js";
import type { SecretFlags } from "../commands/secret.js";
import type { CommandHost } from "./host.js";

/** Define `okhook secret` (flags and help; the work is in commands/secret.ts, loaded on use). */
export function defineSecret(program: Command, host: CommandHost): void {
  program
    .command("secret")
    .description(
      "print the auth header value the database's listener expects (Okta's Authentication secret)",
    )
    .option(
      "--forward",
      "the value forwarding sends to your app instead (differs with listen --forward-auth)",
      false,
    )
    .option("--json", "header name, value and where it came from, as one JSON object", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Only the value goes to stdout, so $(okhook secret) works. It is the secret
listen uses (generated when tunneled, or given with --secret / OKHOOK_SECRET),
kept in <db>.secrets.json (0600, beside the database), never in the database or
the logs.

Exit codes: 0 printed, 3 no secret known for this database (the message says how
to get one).

Examples:
  $ okhook secret          paste into the hook's Authentication secret in Okta
  $ okhook secret --json
  $ curl -H "authorization: $(okhook secret)" 127.0.0.1:8787/okta/events …`,
    )
    .action(async (flags: SecretFlags) => {
      const { secretCommand } = await import("../commands/secret.js");
      host.settle(await secretCommand(flags, host.ctx));
    });
}
