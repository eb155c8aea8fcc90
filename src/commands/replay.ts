import { createInterface } from "node:readline/promises";
import { parseCount, resolveDbPath } from "../config.js";
import { Interrupted, NetworkError, UsageError } from "../errors.js";
import { normalizeTarget } from "../forward/routes.js";
import { findListener, otherTargetNote, requireKnown, roleOf } from "../listen/listener-auth.js";
import { plural } from "../output/format.js";
import { replayRenderer } from "../output/replay-render.js";
import { parseSetArg } from "../payload/edit.js";
import { prepareReplay } from "../replay/prepare.js";
import { type RunReplayOptions, runReplay } from "../replay/run.js";
import {
  CONFIRM_ABOVE_COUNT,
  type ReplaySelector,
  resolveRefs,
  selectDeliveries,
} from "../replay/select.js";
import type {
  ReplayItem,
  ReplayResult,
  ReplaySendOptions,
  ReplaySummary,
} from "../replay/types.js";
import type { Store } from "../store/store.js";
import type { DeliveryRow } from "../store/types.js";
import { parseTimeArg } from "../time.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { openStoreForRead } from "./db-open.js";
import { parseMs } from "./options.js";
import { replayInlineCommand } from "./replay-inline.js";

/** `okhook replay` flags as commander parses them. */
export interface ReplayFlags {
  failed?: boolean;
  since?: string;
  until?: string;
  eventType?: string;
  all?: boolean;
  yes?: boolean;
  to?: string;
  viaListener?: boolean;
  set?: string[];
  freshIds?: boolean;
  concurrency: string;
  rate?: string;
  timeout: string;
  secret?: string;
  authHeader?: string;
  dryRun?: boolean;
  json?: boolean;
  db?: string;
}

/** `okhook replay`: select stored deliveries, confirm when many, re-send them, report each. */
export async function replayCommand(
  ids: string[],
  flags: ReplayFlags,
  ctx: CliContext,
): Promise<Outcome> {
  const selector = parseSelector(flags);
  if (ids.length && (selector || flags.all)) {
    throw new UsageError(
      "give delivery ids or selectors (--failed, --since, --until, --event-type, --all), not both",
    );
  }
  if (!ids.length && !selector && !flags.all) {
    throw new UsageError(
      "nothing selected: give delivery ids, or --failed, --since, --until, --event-type or --all (try okhook replay --failed)",
    );
  }
  const send = await sendOptions(flags, ctx);
  const run = {
    concurrency: parseCount(flags.concurrency, "--concurrency", { min: 1, max: 256 }),
    ratePerSecond: flags.rate === undefined ? undefined : parseRate(flags.rate),
  };
  // Replays record their attempts (and edited copies); a dry run only reads.
  const { store, path } = await openStoreForRead(flags.db, ctx, { write: !flags.dryRun });
  if (!store) {
    throw new UsageError(
      `nothing to replay: ${path} does not exist yet (okhook listen creates it)`,
    );
  }
  try {
    const inline = inlineRefs(store, ids);
    if (inline) {
      const view = findListener(resolveDbPath(flags.db, ctx.env), listenerGiven(flags, ctx), store);
      return await replayInlineCommand({ store, deliveries: inline, view, flags }, ctx);
    }
    await addListenerAuth(send, flags, ctx, store);
    const picked = await pick(store, ids, selector ?? {}, send);
    if (picked.total === 0) {
      if (!flags.json) ctx.stdout.write("No deliveries match: nothing to replay.\n");
      return OUTCOME.ok;
    }
    if (!flags.dryRun && !flags.yes && (flags.all || picked.total > picked.confirmAbove)) {
      if (
        !(await confirm(ctx, picked.total, send, { all: !!flags.all, limit: picked.confirmAbove }))
      ) {
        ctx.stdout.write("Nothing sent.\n");
        return OUTCOME.ok;
      }
    }
    const { items, total } = picked;
    const options = { ...send, ...run, items, total, dryRun: !!flags.dryRun };
    return await execute(store, options, flags, ctx);
  } finally {
    store.close();
  }
}

function parseSelector(flags: ReplayFlags): ReplaySelector | undefined {
  const sel: ReplaySelector = {
    failed: flags.failed || undefined,
    since: flags.since ? parseTimeArg(flags.since, "--since") : undefined,
    until: flags.until ? parseTimeArg(flags.until, "--until") : undefined,
    eventTypeGlob: flags.eventType,
  };
  return Object.values(sel).some((v) => v !== undefined) ? sel : undefined;
}

async function sendOptions(flags: ReplayFlags, ctx: CliContext): Promise<ReplaySendOptions> {
  if (flags.to && flags.viaListener) {
    throw new UsageError(
      "--to and --via-listener: pick one (--via-listener sends to the listener)",
    );
  }
  const to = flags.to === undefined ? undefined : normalizeTarget(flags.to, flags.to, "--to");
  return {
    to,
    viaListener: flags.viaListener,
    edits: (flags.set ?? []).map(parseSetArg),
    freshIds: flags.freshIds,
    authHeader: flags.authHeader,
    timeoutMs: parseMs(flags.timeout, "--timeout"),
    signal: ctx.signal,
  };
}

/**
 * The auth each replay carries, as forwarding sent it: `--secret` > OKHOOK_SECRET > what the
 * database's listener used (its secret on its own URL, the forward value for the app). When
 * that value is not stored here, stop before anything is sent.
 */
async function addListenerAuth(
  send: ReplaySendOptions,
  flags: ReplayFlags,
  ctx: CliContext,
  store: Store,
): Promise<void> {
  const view = findListener(resolveDbPath(flags.db, ctx.env), listenerGiven(flags, ctx), store);
  send.authFor = view.plan;
  const url = send.to ?? view.url;
  const role = send.viaListener ? "listener" : send.to ? roleOf(view.secrets, send.to) : "app";
  const plan = requireKnown(view.plan(url, role));
  if (!plan.send && plan.why === "other-target")
    ctx.stderr.write(`okhook: note: ${otherTargetNote(view.secrets, url)}\n`);
}

function listenerGiven(flags: ReplayFlags, ctx: CliContext) {
  return { flag: flags.secret, env: ctx.env.secret, header: flags.authHeader };
}

/**
 * The named deliveries when they are inline hook requests (replayed one by one, answers
 * judged); undefined for event deliveries. A mix is refused: the two replay differently.
 */
function inlineRefs(store: Store, ids: string[]): DeliveryRow[] | undefined {
  const rows = ids.map((ref) => store.lookup.resolve(ref).delivery);
  const inline = rows.filter((r) => r.kind === "inline");
  if (inline.length === 0) return undefined;
  if (inline.length < rows.length) {
    throw new UsageError(
      "inline hook requests and event deliveries replay differently: replay them in separate commands",
    );
  }
  return inline;
}

/** `--rate 200` or `--rate 200/s`: sends per second, above 0. */
export function parseRate(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(value.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(n > 0))
    throw new UsageError(`--rate "${value}": expected sends per second above 0 (try --rate 20)`);
  return n;
}

interface Picked {
  items: Iterable<ReplayItem>;
  total: number;
  confirmAbove: number;
}

async function pick(
  store: Store,
  ids: string[],
  selector: ReplaySelector,
  send: ReplaySendOptions,
): Promise<Picked> {
  if (ids.length === 0) {
    const selection = selectDeliveries(store, selector);
    return {
      items: selection.items(),
      total: selection.total,
      confirmAbove: CONFIRM_ABOVE_COUNT,
    };
  }
  const items = resolveRefs(store, ids);
  // Named deliveries are checked before anything is sent: a bad --set path or an unknown
  // target is a usage error (exit 2), not a failed delivery.
  for (const item of items) prepareReplay(store, item, send);
  return { items, total: items.length, confirmAbove: Number.POSITIVE_INFINITY };
}

async function confirm(
  ctx: CliContext,
  total: number,
  send: ReplaySendOptions,
  { all, limit }: { all: boolean; limit: number },
): Promise<boolean> {
  const input = process.stdin;
  if (!input.isTTY) {
    throw new UsageError(
      all
        ? `--all: replaying ${plural(total, "delivery", "deliveries")} needs --yes when there is no terminal to confirm`
        : `${total} deliveries selected (more than ${limit}): pass --yes to replay them without a terminal to confirm`,
    );
  }
  const where = send.to ?? (send.viaListener ? "the listener" : "their original targets");
  const rl = createInterface({ input, output: ctx.stderr });
  try {
    const answer = await rl.question(
      `Replay ${plural(total, "delivery", "deliveries")} to ${where}? [y/N] `,
      {
        signal: ctx.signal,
      },
    );
    return /^y(es)?$/i.test(answer.trim());
  } catch (err) {
    if (ctx.signal.aborted) throw new Interrupted();
    throw err;
  } finally {
    rl.close();
  }
}

async function execute(
  store: Store,
  run: Omit<RunReplayOptions, "store" | "onPlan" | "onResult">,
  flags: ReplayFlags,
  ctx: CliContext,
): Promise<Outcome> {
  const dryRun = !!run.dryRun;
  const render = replayRenderer({ ctx, json: !!flags.json, total: run.total, dryRun });
  let firstError: string | null = null;
  let firstTarget: string | null = null;
  const summary = await runReplay({
    ...run,
    store,
    onPlan: render.plan,
    onResult: (r: ReplayResult, s: ReplaySummary) => {
      firstError ??= r.error;
      firstTarget ??= r.target;
      render.result(r, s);
    },
  });
  render.done(summary);
  if (summary.interrupted) {
    throw new Interrupted(
      `interrupted after ${summary.done} of ${plural(summary.total, "delivery", "deliveries")}; the attempts made are stored`,
    );
  }
  if (dryRun || summary.accepted === summary.done) return OUTCOME.ok;
  if (summary.unreachable === summary.done) {
    throw new NetworkError(
      `replay target unreachable${summary.done === 1 ? "" : ` for all ${summary.done} deliveries`}: ${firstError} (${
        firstTarget !== null && firstTarget === store.meta.get("listener.url")
          ? "that is okhook listen's URL: start okhook listen, or pass --to <url>"
          : "is your app running? check --to"
      })`,
    );
  }
  return OUTCOME.problemFound;
}
