import { resolveFixturesDir } from "../config.js";
import { UsageError } from "../errors.js";
import { planCapture, writeFixtures } from "../fixtures/capture.js";
import { captureSources } from "../fixtures/capture-source.js";
import { captureSummary } from "../output/export-render.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";

/** `okhook fixtures capture` flags as commander parses them. */
export interface CaptureFlags {
  name?: string;
  out?: string;
  keepPii?: boolean;
  force?: boolean;
  json?: boolean;
  db?: string;
}

/** `okhook fixtures capture <id|uuid>…`: stored events → PII-scrubbed fixtures in the user's folder. */
export async function captureCommand(
  refs: string[],
  flags: CaptureFlags,
  ctx: CliContext,
): Promise<Outcome> {
  const { store, path } = await openStoreForRead(flags.db, ctx);
  if (!store) throw new UsageError(`"${refs[0]}": no deliveries yet (${path} does not exist)`);
  const sources = await withStore(store, path, (s) => captureSources(s, refs));
  const plan = planCapture(sources, { name: flags.name, keepPii: flags.keepPii });
  const paths = writeFixtures(resolveFixturesDir(flags.out, ctx.env), plan, { force: flags.force });
  ctx.stdout.write(captureSummary(plan, paths, ctx, !!flags.json));
  return OUTCOME.ok;
}
