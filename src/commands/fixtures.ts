import { resolveFixturesDir } from "../config.js";
import { listFixtures, loadFixture } from "../fixtures/catalog.js";
import { displayPath } from "../fixtures/load.js";
import { materialise } from "../fixtures/materialise.js";
import { fixturesTable } from "../output/send-render.js";
import { parseSetArg } from "../payload/edit.js";
import { toJson } from "../text/sanitize.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";

/** `okhook fixtures` flags as commander parses them. */
export interface FixturesFlags {
  json?: boolean;
}

/** `okhook fixtures show` flags as commander parses them. */
export interface ShowFixtureFlags {
  materialise?: boolean;
  set?: string[];
}

/** `okhook fixtures`: the fixtures `send fixture` can send, built-in and the user's. */
export async function fixturesCommand(flags: FixturesFlags, ctx: CliContext): Promise<Outcome> {
  const userDir = resolveFixturesDir(undefined, ctx.env);
  const all = listFixtures({ userDir });
  ctx.stdout.write(
    flags.json
      ? `${toJson(
          all.map(({ name, eventType, description, source, overrides, problem }) => ({
            name,
            eventType,
            description,
            source,
            ...(overrides ? { overrides } : {}),
            ...(problem ? { problem } : {}),
          })),
          2,
        )}\n`
      : fixturesTable(all, ctx, displayPath(userDir)),
  );
  return OUTCOME.ok;
}

/** `okhook fixtures show <name>`: one fixture's LogEvent, or the delivery it would become. */
export async function fixturesShowCommand(
  name: string,
  flags: ShowFixtureFlags,
  ctx: CliContext,
): Promise<Outcome> {
  const f = loadFixture(name, { userDir: resolveFixturesDir(undefined, ctx.env) });
  for (const w of f.warnings) ctx.stderr.write(`okhook: warning: ${w}\n`);
  const doc =
    flags.materialise || flags.set?.length
      ? materialise(f.events, { batch: true, edits: (flags.set ?? []).map(parseSetArg) })[0]
      : f.events.length === 1
        ? f.events[0]
        : f.events;
  ctx.stdout.write(`${toJson(doc, 2)}\n`);
  return OUTCOME.ok;
}
