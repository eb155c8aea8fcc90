import type { Command } from "commander";
import { collect, DB_FLAG_HELP } from "../commands/options.js";
import type { WaitFlags } from "../commands/wait.js";
import type { CommandHost } from "./host.js";

/** Define `okhook wait` (flags and help; the work is in commands/wait.ts, loaded on use). */
export function defineWait(program: Command, host: CommandHost): void {
  program
    .command("wait")
    .description(
      "block until matching Okta events are stored (by a listen on the same database), print them; for CI",
    )
    .requiredOption(
      "--event-type <glob>",
      "(required) event type or glob, e.g. user.lifecycle.create or 'user.lifecycle.*'",
    )
    .option(
      "--match <path=value>",
      "a field of the LogEvent must hold this value, repeatable (all must hold); [] means any element: target[].alternateId=sam@example.com",
      collect,
    )
    .option(
      "--since <dur|ISO>",
      "also count events stored since then: 5m, 1h or an ISO time (default: only those stored after wait starts)",
    )
    .option("--count <n>", "how many distinct events (by uuid)", "1")
    .option("--forwarded", "count an event only once the app answered its delivery 2xx", false)
    .option("--timeout <dur>", "give up after this long: 30s, 2m, or seconds", "2m")
    .option(
      "--json",
      "print each event as one NDJSON line (where it was stored, forwarding, the LogEvent)",
      false,
    )
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Run it while okhook listen runs on the same database (started in the background,
e.g. in CI). A match is printed within a fraction of a second of being stored;
waiting costs no CPU to speak of. A value matches a string field equal to it, or
any field equal to it read as JSON (42, true, null, "quoted"). An event
delivered twice (Okta is at-least-once) counts once.

To not miss an event Okta delivers before wait starts, take the time before
triggering it and pass it as --since.

Exit codes: 0 the events arrived (printed on stdout), 1 timed out (stderr names
the closest misses and why), 2 usage (a bad --match), 3 unreadable database.

Examples:
  $ okhook wait --event-type user.lifecycle.create \\
      --match 'target[].alternateId=sam@example.com'
  $ okhook wait --event-type 'user.session.*' --match outcome.result=FAILURE \\
      --count 3 --timeout 60s
  $ SINCE=$(date -u +%FT%TZ)    then trigger the Okta action, then:
  $ okhook wait --event-type group.user_membership.add --since "$SINCE" \\
      --forwarded --json | jq .event`,
    )
    .action(async (flags: WaitFlags) => {
      const { waitCommand } = await import("../commands/wait.js");
      host.settle(await waitCommand(flags, host.ctx));
    });
}
