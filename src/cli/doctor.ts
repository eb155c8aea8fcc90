import type { Command } from "commander";
import type { DoctorFlags } from "../commands/doctor.js";
import { DB_FLAG_HELP } from "../commands/options.js";
import type { CommandHost } from "./host.js";

/** Define `okhook doctor` (flags and help; the work is in commands/doctor.ts, loaded on use). */
export function defineDoctor(program: Command, host: CommandHost): void {
  program
    .command("doctor")
    .description(
      "check every link from Okta to your app (read-only) and say which one is broken and how to fix it",
    )
    .option("--db <file>", DB_FLAG_HELP)
    .option(
      "--org <url>",
      "also check the Okta side: https://<org>.okta.com (env: OKTA_ORG_URL; token from OKTA_API_TOKEN or OKTA_ACCESS_TOKEN)",
    )
    .option("--json", "every check (id, name, status, detail, fix) as one JSON document", false)
    .addHelpText(
      "after",
      `
Checks, in order: Node.js; the database (schema, writable, 0600, quick integrity
check); the running listen (pid, URL, uptime) and its tunnel; 401s Okta got in
the last 24 h; Okta's verification GET on the local hook URL and through the
public URL (end to end through the tunnel); each forward target (reachable, how
fast against Okta's 3 s); which cloudflared a listen would use. With an org and
a token: the token; the event hook that feeds this listener (ACTIVE, VERIFIED,
URL, auth header name, event types, filter); other active hooks at dead
quick-tunnel URLs (Okta allows 25); from the System Log of the last 24 h, the
last event_hook.verified and the event_hook.delivery failures.

It changes nothing anywhere (Okta is only read; the database is opened
read-only). The two challenge GETs show in the listener's list as verifications,
as any check of the URL would.

Exit codes: 0 nothing wrong (warnings allowed), 1 a problem found, 2 usage, 3 a
check could not be made for lack of credentials, 4 network (Okta unreachable), 5
Okta answered an error.

Examples:
  $ okhook doctor                                   the local side
  $ OKTA_API_TOKEN=… okhook doctor --org https://dev-123.okta.com
  $ okhook doctor --json | jq '.checks[] | select(.status == "fail")'`,
    )
    .action(async (flags: DoctorFlags) => {
      const { doctorCommand } = await import("../commands/doctor.js");
      host.settle(await doctorCommand(flags, host.ctx));
    });
}
