import type { Command } from "commander";
import { collect, DB_FLAG_HELP } from "../commands/options.js";
import type { SendFixtureFlags, SendVerifyFlags } from "../commands/send.js";
import type { SendInlineFlags } from "../commands/send-inline.js";
import type { CommandHost } from "./host.js";

/** Define `okhook send fixture|verify|inline` (the work is in commands/send*.ts). */
export function defineSend(program: Command, host: CommandHost): void {
  const send = program
    .command("send")
    .description(
      "send Okta-shaped deliveries or inline hook requests, or play Okta's verification, against any endpoint",
    );
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
      "edit every event (eventType=…, outcome.result=FAILURE); envelope.<path> or data.… edits the envelope; repeatable",
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
  $ okhook send fixture user.account.lock --set outcome.result=FAILURE --count 3
  $ okhook send fixture ./my-event.json --to http://localhost:3000/okta`,
    )
    .action(async (names: string[], flags: SendFixtureFlags) => {
      const { sendFixtureCommand } = await import("../commands/send.js");
      host.settle(await sendFixtureCommand(names, flags, host.ctx));
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
      const { sendVerifyCommand } = await import("../commands/send.js");
      host.settle(await sendVerifyCommand(flags, host.ctx));
    });
  send
    .command("inline")
    .argument(
      "<type|fixture>",
      "token, registration, password-import, user-import, saml, telephony; a fixture name (okhook fixtures inline) or a JSON file",
    )
    .description(
      "send an Okta inline hook request and say what Okta would do with the answer (the type's contract checked)",
    )
    .option(
      "--to <url>",
      "your inline hook endpoint (default: the running okhook listener's inline URL)",
    )
    .option("--secret <value>", "auth header value (env: OKHOOK_SECRET; default: the listener's)")
    .option(
      "--auth-header <name>",
      "header that carries the secret (default: the listener's, else authorization)",
    )
    .option(
      "--set <path=value>",
      "edit the request, e.g. data.context.credential.password=… (repeatable)",
      collect,
    )
    .option("--keep-ids", "keep the fixture's eventId and eventTime", false)
    .option("--show-answer", "print the answer under the verdict", false)
    .option("--json", "the exchange and the verdict as JSON", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Exit: 0 Okta would apply the answer, 1 it would not (the reason is printed),
4 unreachable.

Examples:
  $ okhook send inline token --to http://localhost:3000/okta/token
  $ okhook send inline registration.progressive-profile \\
      --to localhost:3000/okta/registration
  $ okhook send inline telephony --to 3000 --json \\
      --set data.messageProfile.deliveryChannel='"voice call"'`,
    )
    .action(async (arg: string, flags: SendInlineFlags) => {
      const { sendInlineCommand } = await import("../commands/send-inline.js");
      host.settle(await sendInlineCommand(arg, flags, host.ctx));
    });
}
