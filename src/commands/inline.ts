import { ConfigError } from "../errors.js";
import { executeInline, pickInlineHook } from "../inline/execute.js";
import { loadInlineFixture } from "../inline/fixtures.js";
import { prepareInlineRequest } from "../inline/request.js";
import { OktaClient } from "../okta/client.js";
import { InlineHooksApi } from "../okta/inline-hooks.js";
import { colorFor } from "../output/format.js";
import { executeText } from "../output/inline-render.js";
import { parseSetArg } from "../payload/edit.js";
import { toJson } from "../text/sanitize.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";

/** `okhook inline execute` flags as commander parses them. */
export interface InlineExecuteFlags {
  org?: string;
  hookId?: string;
  set?: string[];
  json?: boolean;
  db?: string;
}

/**
 * `okhook inline execute <type|fixture>`: Okta sends the request to the hook itself. Exit 0
 * when Okta returned an answer okhook judges applied, 1 when not (or Okta refused it).
 */
export async function inlineExecuteCommand(
  arg: string,
  flags: InlineExecuteFlags,
  ctx: CliContext,
): Promise<Outcome> {
  const fixture = loadInlineFixture(arg);
  const { request } = prepareInlineRequest(fixture.request, {
    edits: (flags.set ?? []).map(parseSetArg),
  });
  const orgUrl = flags.org ?? ctx.env.oktaOrgUrl;
  if (!orgUrl) {
    throw new ConfigError(
      "inline execute needs the Okta org: pass --org https://<org>.okta.com or set OKTA_ORG_URL",
    );
  }
  const client = new OktaClient({
    orgUrl,
    apiToken: ctx.env.oktaApiToken,
    accessToken: ctx.env.oktaAccessToken,
    signal: ctx.signal,
  });
  const api = new InlineHooksApi(client);
  const knownId = await registeredId(
    flags.db,
    ctx,
    `okta.inlineHookId:${client.orgUrl}:${fixture.type}`,
  );
  const hook = await pickInlineHook(api, fixture.type, { hookId: flags.hookId, knownId });
  const out = await executeInline({ api, hook, type: fixture.type, request });
  ctx.stdout.write(
    flags.json
      ? `${toJson({ hookId: hook.id, hookUri: hook.channel.config.uri, fixture: fixture.name, okta: out.result, verdict: out.verdict ?? null }, 2)}\n`
      : executeText(colorFor(ctx.stdout, ctx.env), {
          hookId: `${hook.id} → ${hook.channel.config.uri}`,
          what: fixture.name,
          result: out.result,
          verdict: out.verdict,
        }),
  );
  return out.verdict?.applied ? OUTCOME.ok : OUTCOME.problemFound;
}

/** The id `listen --register-inline` remembered in this database, if any. */
async function registeredId(
  db: string | undefined,
  ctx: CliContext,
  key: string,
): Promise<string | undefined> {
  const { store, path } = await openStoreForRead(db, ctx);
  if (!store) return undefined;
  return withStore(store, path, async (s) => s.meta.get(key));
}
