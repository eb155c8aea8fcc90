import type { Command } from "commander";
import type { CaptureFlags } from "../commands/capture.js";
import type { FixturesFlags, ShowFixtureFlags } from "../commands/fixtures.js";
import type { InlineFixturesFlags } from "../commands/fixtures-inline.js";
import { collect, DB_FLAG_HELP } from "../commands/options.js";
import type { CommandHost } from "./host.js";

/**
 * Define `okhook fixtures`, `okhook fixtures show <name>` and `okhook fixtures capture`
 * (the work is in commands/fixtures.ts and commands/capture.ts).
 */
export function defineFixtures(program: Command, host: CommandHost): void {
  const fixtures = program
    .command("fixtures")
    .description(
      "list the Okta event fixtures `okhook send fixture` can send: built-in, and yours in ./okhook-fixtures (env: OKHOOK_FIXTURES)",
    )
    .option("--json", "one JSON document", false)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook fixtures
  $ okhook fixtures show user.lifecycle.deactivate --materialise
  $ okhook fixtures capture 7f3k2q9a --name user-created-by-scim`,
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
  fixtures
    .command("capture")
    .argument("<id|uuid...>", "stored deliveries (ids, short ids, prefixes) or event uuids")
    .description(
      "turn stored events into fixtures, personal data replaced by consistent pseudonyms",
    )
    .option("--name <name>", "one fixture holding every captured event (default: one per event)")
    .option("--out <dir>", "where to write (env: OKHOOK_FIXTURES; default ./okhook-fixtures)")
    .option(
      "--keep-pii",
      "keep the real names, emails, IPs…: the file is then private (0600)",
      false,
    )
    .option("--force", "replace a fixture of the same name", false)
    .option("--json", "what was written and replaced, as one JSON document", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Replaced (counted, never printed): names, emails and logins, phone numbers, IP
addresses and places, user agents, networks, user and group ids, session and
device ids. Event types, outcomes, uuids, times, shapes, id prefixes and lengths
stay; the same value gets the same pseudonym across the whole capture, so actor
and target relations survive.

Examples:
  $ okhook fixtures capture 7f3k2q9a
  $ okhook fixtures capture 7f3k2q9a q2m8c4xd --name onboarding
  $ okhook send fixture onboarding --batch`,
    )
    .action(async (refs: string[], flags: CaptureFlags) => {
      const { captureCommand } = await import("../commands/capture.js");
      host.settle(await captureCommand(refs, flags, host.ctx));
    });
}
