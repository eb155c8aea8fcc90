import { Interrupted, NetworkError } from "../errors.js";
import { loadInlineFixture } from "../inline/fixtures.js";
import { inlineHeaders, prepareInlineRequest } from "../inline/request.js";
import { sendInline } from "../inline/send.js";
import { colorFor } from "../output/format.js";
import { inlineVerdictJson, inlineVerdictText } from "../output/inline-render.js";
import { parseSetArg } from "../payload/edit.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";
import { sendTarget } from "./send.js";

/** The inline path `listen` serves unless told otherwise. */
export const DEFAULT_INLINE_PATH = "/okta/inline";

/** `okhook send inline` flags as commander parses them. */
export interface SendInlineFlags {
  to?: string;
  secret?: string;
  authHeader?: string;
  set?: string[];
  keepIds?: boolean;
  showAnswer?: boolean;
  json?: boolean;
  db?: string;
}

/**
 * `okhook send inline <type|fixture>`: POST an Okta-shaped inline hook request and say what
 * Okta would do with the answer. Exit 0 when Okta applies it, 1 when not, 4 unreachable.
 */
export async function sendInlineCommand(
  arg: string,
  flags: SendInlineFlags,
  ctx: CliContext,
): Promise<Outcome> {
  const fixture = loadInlineFixture(arg);
  const edits = (flags.set ?? []).map(parseSetArg);
  const { request } = prepareInlineRequest(fixture.request, { keepIds: flags.keepIds, edits });
  const inlineUrl = flags.to ? undefined : await listenerInlineUrl(flags.db, ctx);
  const target = await sendTarget(
    flags,
    ctx,
    (hookUrl) => inlineUrl ?? new URL(DEFAULT_INLINE_PATH, hookUrl).toString(),
  );
  const result = await sendInline({
    url: target.url,
    type: fixture.type,
    request,
    body: Buffer.from(JSON.stringify(request)),
    headers: inlineHeaders({ secret: target.secret, authHeader: target.authHeader }),
    signal: ctx.signal,
  });
  if (ctx.signal.aborted) throw new Interrupted();
  const shown = {
    what: fixture.name,
    url: target.url,
    exchange: result.exchange,
    verdict: result.verdict,
  };
  ctx.stdout.write(
    flags.json
      ? inlineVerdictJson(shown)
      : inlineVerdictText(colorFor(ctx.stdout, ctx.env), {
          ...shown,
          showAnswer: flags.showAnswer,
        }),
  );
  if (result.unreachable && target.toListener) {
    throw new NetworkError(
      `nothing is listening at ${target.url}: start okhook listen (in another terminal, with the same --db) or pass --to <url>`,
    );
  }
  if (result.unreachable) return OUTCOME.unreachable;
  return result.verdict.applied ? OUTCOME.ok : OUTCOME.problemFound;
}

/** The inline URL the database's listener recorded, if any. */
async function listenerInlineUrl(
  db: string | undefined,
  ctx: CliContext,
): Promise<string | undefined> {
  const { store, path } = await openStoreForRead(db, ctx);
  if (!store) return undefined;
  return withStore(store, path, async (s) => s.meta.get("listener.inlineUrl"));
}
