import { parseCount, resolveDbPath } from "../config.js";
import { UsageError } from "../errors.js";
import { currentHolder } from "../listen/listener-lock.js";
import { goneReason } from "../listen/process-alive.js";
import { oktaFacingUrl } from "../listen/tunnel-record.js";
import { colorFor } from "../output/format.js";
import { waitMatchJson, waitMatchLine, waitTimeoutLines } from "../output/wait-render.js";
import { asStoreError } from "../store/errors.js";
import { openForWait, openWaitReads } from "../store/wait-reads.js";
import { guardOutput } from "../text/sanitize.js";
import { parseTimeArg } from "../time.js";
import { parseMatchArg } from "../wait/match.js";
import { runWait } from "../wait/run.js";
import type { WaitSpec } from "../wait/types.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { parseDuration } from "./options.js";
import { userError } from "./store-words.js";

/** `okhook wait` flags as commander parses them. */
export interface WaitFlags {
  eventType: string;
  match?: string[];
  since?: string;
  count: string;
  forwarded?: boolean;
  timeout: string;
  json?: boolean;
  db?: string;
}

/**
 * `okhook wait`: block until the events asked for are stored (by a `listen` on the database,
 * or already within `--since`), print them, exit 0; on timeout say what came closest, exit 1.
 */
export async function waitCommand(flags: WaitFlags, ctx: CliContext): Promise<Outcome> {
  const spec = parseSpec(flags);
  const timeoutMs = parseDuration(flags.timeout, "--timeout");
  const sinceMs = flags.since ? parseTimeArg(flags.since, "--since") : undefined;
  const path = resolveDbPath(flags.db, ctx.env);
  const c = colorFor(ctx.stdout, ctx.env);
  let outcome: Awaited<ReturnType<typeof runWait>>;
  try {
    outcome = await runWait({
      spec,
      open: () => openWaitReads(path),
      file: path,
      sinceMs,
      timeoutMs,
      signal: ctx.signal,
      onMatch: (m) => ctx.stdout.write(`${flags.json ? waitMatchJson(m) : waitMatchLine(m, c)}\n`),
      // on stderr, so stdout stays the events: says the wait is in place (CI logs, scripts)
      onWaiting: (state) => ctx.stderr.write(waitingLine(flags, spec, path, state)),
    });
  } catch (err) {
    throw userError(asStoreError(path, err));
  }
  if (!outcome.timedOut) return OUTCOME.ok;
  const listener = listenerAt(path);
  const lines = waitTimeoutLines(outcome.report, {
    eventType: spec.eventType,
    timeout: flags.timeout,
    db: path,
    listenerRunning: listener.running,
    listenerUrl: listener.url,
    forwarded: spec.forwarded,
  });
  ctx.stderr.write(`${lines.join("\n")}\n`);
  return OUTCOME.problemFound;
}

function waitingLine(flags: WaitFlags, spec: WaitSpec, path: string, state: string): string {
  const matching = flags.match?.length ? ` matching ${flags.match.join(" and ")}` : "";
  const plural = spec.count > 1 ? "s" : "";
  const forwarded = spec.forwarded ? ", taken by the app" : "";
  const db = state === "open" ? path : `${path} (not there yet: waiting for listen to create it)`;
  return guardOutput(
    `okhook: waiting up to ${flags.timeout} for ${spec.count} ${spec.eventType} event${plural}${matching}${forwarded} in ${db}\n`,
  );
}

function parseSpec(flags: WaitFlags): WaitSpec {
  const eventType = flags.eventType.trim();
  if (!eventType) {
    throw new UsageError(
      `--event-type "${flags.eventType}": give an event type or glob (try --event-type 'user.lifecycle.*')`,
    );
  }
  return {
    eventType,
    conditions: (flags.match ?? []).map(parseMatchArg),
    count: parseCount(flags.count, "--count", { min: 1, max: 1_000_000 }),
    forwarded: !!flags.forwarded,
  };
}

/** Whether a listen runs on the database now, for the timeout message (never an error). */
function listenerAt(path: string): { running: boolean; url?: string } {
  try {
    const store = openForWait(path);
    if (typeof store === "string") return { running: false };
    try {
      const holder = currentHolder(store);
      if (holder && goneReason(holder.pid, holder) === null)
        return { running: true, url: oktaFacingUrl(store, holder.id, holder.url) };
      return { running: false };
    } finally {
      store.close();
    }
  } catch {
    return { running: false };
  }
}
