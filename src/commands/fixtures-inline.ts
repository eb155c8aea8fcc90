import { listInlineFixtures, loadInlineFixture } from "../inline/fixtures.js";
import { colorFor } from "../output/format.js";
import { inlineFixturesTable } from "../output/inline-render.js";
import { toJson } from "../text/sanitize.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";

/** `okhook fixtures inline` flags as commander parses them. */
export interface InlineFixturesFlags {
  json?: boolean;
}

/** `okhook fixtures inline [name]`: the inline hook requests `send inline` sends, or one of them. */
export async function inlineFixturesCommand(
  name: string | undefined,
  flags: InlineFixturesFlags,
  ctx: CliContext,
): Promise<Outcome> {
  if (name) {
    ctx.stdout.write(`${toJson(loadInlineFixture(name).request, 2)}\n`);
    return OUTCOME.ok;
  }
  const all = listInlineFixtures();
  ctx.stdout.write(
    flags.json
      ? `${toJson(
          all.map(({ file: _f, ...f }) => f),
          2,
        )}\n`
      : inlineFixturesTable(colorFor(ctx.stdout, ctx.env), all),
  );
  return OUTCOME.ok;
}
