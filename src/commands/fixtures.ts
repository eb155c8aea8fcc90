import type { Command } from "commander";
import type { CliContext } from "./context.js";
import { collect } from "./options.js";

interface FixturesFlags {
  json?: boolean;
}

interface ShowFixtureFlags {
  materialise?: boolean;
  set?: string[];
}

/** Define `okhook fixtures` and `okhook fixtures show <name>`. */
export function registerFixtures(program: Command, ctx: CliContext): void {
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
      const { listFixtures } = await import("../fixtures/catalog.js");
      const { fixturesTable } = await import("../output/send-render.js");
      const all = listFixtures();
      ctx.stdout.write(
        flags.json
          ? `${JSON.stringify(
              all.map(({ name, eventType, description }) => ({ name, eventType, description })),
              null,
              2,
            )}\n`
          : fixturesTable(all, ctx),
      );
    });
  fixtures
    .command("show")
    .argument("<name|file>", "fixture name (or unique prefix) or a JSON file")
    .description(
      "print one fixture's LogEvent (or, with --materialise, the delivery okhook would send)",
    )
    .option("--materialise", "fresh ids and timestamps inside an Okta envelope", false)
    .option("--set <path=value>", "edit the payload (repeatable), as in send", collect)
    .action(async (name: string, flags: ShowFixtureFlags) => {
      const [{ loadFixture }, { materialise }, { parseSetArg }] = await Promise.all([
        import("../fixtures/catalog.js"),
        import("../fixtures/materialise.js"),
        import("../payload/edit.js"),
      ]);
      const f = loadFixture(name);
      for (const w of f.warnings) ctx.stderr.write(`okhook: warning: ${w}\n`);
      const doc =
        flags.materialise || flags.set?.length
          ? materialise(f.events, { batch: true, edits: (flags.set ?? []).map(parseSetArg) })[0]
          : f.events.length === 1
            ? f.events[0]
            : f.events;
      ctx.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    });
}
