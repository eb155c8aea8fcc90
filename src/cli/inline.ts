import type { Command } from "commander";
import type { InlineExecuteFlags } from "../commands/inline.js";
import { collect, DB_FLAG_HELP } from "../commands/options.js";
import type { CommandHost } from "./host.js";

/** Define `okhook inline execute` (the work is in commands/inline.ts). */
export function defineInline(program: Command, host: CommandHost): void {
  const inline = program.command("inline").description("Okta inline hooks on the Okta side");
  inline
    .command("execute")
    .argument(
      "<type|fixture>",
      "token, registration, password-import, user-import, saml, telephony, or an inline fixture/file",
    )
    .description(
      "have Okta itself send a test request to the inline hook (through the tunnel to your app) and show what came back",
    )
    .option(
      "--org <url>",
      "Okta org URL (env: OKTA_ORG_URL; token from OKTA_API_TOKEN or OKTA_ACCESS_TOKEN)",
    )
    .option(
      "--hook-id <id>",
      "the inline hook (default: the one listen --register-inline made, else the org's only hook of the type)",
    )
    .option("--set <path=value>", "edit the request before Okta sends it (repeatable)", collect)
    .option("--json", "Okta's answer and okhook's verdict as JSON", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Okta answers with your app's own answer when it fits the type's contract, else
400; okhook then says what Okta would do with it in a real flow.
Exit: 0 Okta would apply it, 1 it would not, 5 Okta answered an error.

Examples:
  $ okhook listen --inline-to 3000 --register-inline token     # in one terminal
  $ okhook inline execute token                                # in another
  $ okhook inline execute registration.progressive-profile --json`,
    )
    .action(async (arg: string, flags: InlineExecuteFlags) => {
      const { inlineExecuteCommand } = await import("../commands/inline.js");
      host.settle(await inlineExecuteCommand(arg, flags, host.ctx));
    });
}
