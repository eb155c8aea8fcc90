import type { Command } from "commander";
import type { FixturesFlags, ShowFixtureFlags } from "../commands/fixtures.js";
import type { InlineFixturesFlags } from "../commands/fixtures-inline.js";
import { collect } from "../commands/options.js";
import type { CommandHost } from "./host.js";

/** Define `okhook fixtures` and `okhook fixtures show <name>` (the work is in commands/fixtures.ts). */
export function defineFixtures(program: Command, host: CommandHost): void {
  const fixtures = program
    .command("fixtures")
    .description("list the realistic Okta event fixtures `okhook send fixture` can send")
    .option("--json", "one JSON document", false)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook fixtures
  $ okhook fixtures show user.lifecycle.deactivate --materialise`,
    )
    .action(async (flags: FixturesFlags) => {
      const { fixturesCommand } = await import("../commands/fixtures.js");
      host.settle(await fixturesCommand(flags, host.ctx));
    });
  fixtures
    .command("show")
    .argument("<name|file>", "fixture name (or unique prefix) or a JSON file")
    .description(
      "print one fixture's LogEvent (or, with --materialise, the delivery okhook would send)",
    )
    .option("--materialise", "fresh ids and timestamps inside an Okta envelope", false)
    .option("--set <path=value>", "edit every event (repeatable), as in send", collect)
    .action(async (name: string, flags: ShowFixtureFlags) => {
      const { fixturesShowCommand } = await import("../commands/fixtures.js");
      host.settle(await fixturesShowCommand(name, flags, host.ctx));
    });
  fixtures
    .command("inline")
    .argument("[name]", "a type (token, registration, …) or fixture name: print that request")
    .description("list the inline hook requests `okhook send inline` can send, or print one")
    .option("--json", "one JSON document", false)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook fixtures inline
  $ okhook fixtures inline telephony.password-reset`,
    )
    .action(async (name: string | undefined, flags: InlineFixturesFlags) => {
      const { inlineFixturesCommand } = await import("../commands/fixtures-inline.js");
      host.settle(await inlineFixturesCommand(name, flags, host.ctx));
    });
}
