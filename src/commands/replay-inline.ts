import { Interrupted, UsageError } from "../errors.js";
import { prepareInlineReplay, runInlineReplay } from "../inline/replay.js";
import type { ListenerView } from "../listen/listener-auth.js";
import { requireKnown, roleOf } from "../listen/listener-auth.js";
import { colorFor } from "../output/format.js";
import { inlineReplayJson, inlineReplayText } from "../output/inline-replay-render.js";
import { parseSetArg } from "../payload/edit.js";
import type { Store } from "../store/store.js";
import type { DeliveryRow } from "../store/types.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import type { ReplayFlags } from "./replay.js";

/**
 * `okhook replay <id>…` of inline hook requests: each re-sent, one at a time, and its new
 * answer shown beside the last one with both verdicts. Exit 0 when every new answer is
 * applied, 1 when one is not, 4 when none could be sent.
 */
export async function replayInlineCommand(
  o: { store: Store; deliveries: DeliveryRow[]; view: ListenerView; flags: ReplayFlags },
  ctx: CliContext,
): Promise<Outcome> {
  const { store, flags, view } = o;
  if (flags.concurrency !== "4" || flags.rate) {
    throw new UsageError(
      "--concurrency and --rate: inline hook requests are replayed one at a time",
    );
  }
  const listenerUrl = store.meta.get("listener.inlineUrl");
  const base = {
    store,
    to: flags.to,
    listenerUrl,
    viaListener: flags.viaListener,
    edits: (flags.set ?? []).map(parseSetArg),
    freshIds: flags.freshIds,
    signal: ctx.signal,
    authFor: (url: string) => {
      const role =
        flags.viaListener || url === listenerUrl ? "listener" : roleOf(view.secrets, url);
      const plan = requireKnown(view.plan(url, role));
      return { header: plan.header, value: plan.send ? plan.value : undefined };
    },
  };
  // every request is checked (secrets given, a target known) before anything is sent
  const prepared = o.deliveries.map((delivery) => ({
    delivery,
    p: prepareInlineReplay({ ...base, delivery }),
  }));
  const c = colorFor(ctx.stdout, ctx.env);
  let applied = 0;
  let unreachable = 0;
  for (const { delivery, p } of prepared) {
    if (flags.dryRun) {
      ctx.stdout.write(`${delivery.id}: would send the ${p.type} request to ${p.url}\n`);
      continue;
    }
    const { result, after } = await runInlineReplay({ ...base, delivery }, p);
    if (ctx.signal.aborted) throw new Interrupted();
    if (result.verdict.applied) applied++;
    if (result.unreachable) unreachable++;
    const shown = { id: delivery.id, type: p.type, before: p.before, after };
    ctx.stdout.write(flags.json ? inlineReplayJson(shown) : inlineReplayText(c, shown));
  }
  if (flags.dryRun || applied === prepared.length) return OUTCOME.ok;
  return unreachable === prepared.length ? OUTCOME.unreachable : OUTCOME.problemFound;
}
