import type { Command } from "commander";
import { DB_FLAG_HELP } from "../commands/options.js";
import type { UiFlags } from "../commands/ui.js";
import { selectProductionReact } from "../config.js";
import type { CommandHost } from "./host.js";

/** Define `okhook ui` (flags and help; the work is in commands/ui.ts, loaded on use). */
export function defineUi(program: Command, host: CommandHost): void {
  program
    .command("ui")
    .description(
      "browse stored deliveries in the terminal, without listening (refreshes while a listen writes)",
    )
    .option("--db <file>", DB_FLAG_HELP)
    .option(
      "--auth-header <name>",
      "header that carries the secret on replays (default: the listener's, else authorization)",
    )
    .option("--forward-timeout <ms>", "per replay attempt", "10000")
    .option("--secret <value>", "auth header value replays (r) send (env: OKHOOK_SECRET)")
    .addHelpText(
      "after",
      `
Replays (r) go to each delivery's last forward target with the auth header
forwarding used (--secret or OKHOOK_SECRET win); s shows the listener's secret
for 5 s. The header says whether a listen runs on the database. c shows a curl
command that re-sends the selected delivery and copies it (tmux's paste buffer
inside tmux, else OSC 52; OKHOOK_CLIPBOARD=off turns copying off).

Examples:
  $ okhook ui
  $ okhook ui --db ./hooks.db`,
    )
    .action(async (flags: UiFlags) => {
      // before the first import of react (the adapter loads the Ink UI)
      selectProductionReact();
      const { uiCommand } = await import("../commands/ui.js");
      host.settle(await uiCommand(flags, host.ctx));
    });
}
