import type { Command } from "commander";
import type { ExportFlags } from "../commands/export.js";
import type { ImportFlags } from "../commands/import.js";
import { DB_FLAG_HELP } from "../commands/options.js";
import type { CommandHost } from "./host.js";

/** Define `okhook export` (the work is in commands/export.ts, loaded on use). */
export function defineExport(program: Command, host: CommandHost): void {
  program
    .command("export")
    .argument("[ids...]", "only these deliveries (ids, short ids, prefixes or event uuids)")
    .description(
      "write stored deliveries to one file: NDJSON for okhook import, or HAR for a browser's network panel",
    )
    .option("--format <format>", "ndjson | har (default: from --out's extension, else ndjson)")
    .option("--out <file>", "where to write (default: stdout, when it is not a terminal)")
    .option(
      "--status <s>",
      "kind, forward state or HTTP status, as in deliveries; a comma list matches any",
    )
    .option("--failed", "deliveries whose last attempt was not 2xx, or never forwarded", false)
    .option("--event-type <glob>", "only deliveries with an event of this type ('user.*')")
    .option("--since <dur|ISO>", "received after (30m, 2h, 7d or an ISO time)")
    .option("--until <dur|ISO>", "received before")
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Every delivery comes with its events and attempts, bodies byte-exact (base64
when not UTF-8). HAR has one entry per delivery (the request the sender made,
okhook's answer) and one per forward attempt (okhook → your app, with its
answer). Stored headers stay [redacted]; no secret leaves.

Examples:
  $ okhook export --since 1d --out capture.ndjson
  $ okhook export --event-type 'user.lifecycle.*' --out capture.har
  $ okhook export 7f3k2q9a --format har > one.har`,
    )
    .action(async (ids: string[], flags: ExportFlags) => {
      const { exportCommand } = await import("../commands/export.js");
      host.settle(await exportCommand(ids, flags, host.ctx));
    });
}

/** Define `okhook import` (the work is in commands/import.ts, loaded on use). */
export function defineImport(program: Command, host: CommandHost): void {
  program
    .command("import")
    .argument("<file>", "an okhook export: .ndjson or .har (- reads stdin)")
    .description("load an okhook export into a database, whole or not at all")
    .option("--json", "what was imported, as one JSON document", false)
    .option(
      "--max-line <bytes>",
      "longest line accepted (raise it for deliveries stored with a larger --max-body)",
      "8388608",
    )
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Ids are kept when free (a taken one gets a new id); an event uuid already stored
marks a duplicate, as on ingest. A bad file (truncated, unknown version, a line
too long) stops the import with the line number and stores nothing.

Examples:
  $ okhook import capture.ndjson --db teammate.db && okhook ui --db teammate.db
  $ okhook import capture.har`,
    )
    .action(async (file: string, flags: ImportFlags) => {
      const { importCommand } = await import("../commands/import.js");
      host.settle(await importCommand(file, flags, host.ctx));
    });
}
