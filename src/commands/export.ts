import { createWriteStream, openSync, renameSync, rmSync } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { describeError, UsageError } from "../errors.js";
import type { ExportFormat } from "../export/import-reader.js";
import { writeExport } from "../export/write.js";
import { exportSummary, streamProgress } from "../output/export-render.js";
import { SELECTABLE_KINDS } from "../replay/select.js";
import { type ExportSelection, exportCount, exportDeliveries } from "../store/export-pages.js";
import type { Store } from "../store/store.js";
import { DELIVERY_KINDS } from "../store/types.js";
import { parseTimeArg } from "../time.js";
import { VERSION } from "../version.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";
import { parseStatus } from "./deliveries.js";
import { oneOf } from "./options.js";

/** `okhook export` flags as commander parses them. */
export interface ExportFlags {
  format?: string;
  out?: string;
  status?: string;
  failed?: boolean;
  eventType?: string;
  since?: string;
  until?: string;
  db?: string;
}

/** `okhook export [ids…]`: stored deliveries to one NDJSON or HAR file, streamed. */
export async function exportCommand(
  ids: string[],
  flags: ExportFlags,
  ctx: CliContext,
): Promise<Outcome> {
  const format = formatFor(flags);
  if (!flags.out && ctx.stdout.isTTY)
    throw new UsageError(
      `export writes a file: pass --out capture.${format} (or redirect stdout: okhook export > capture.${format})`,
    );
  const selectors = flags.status || flags.failed || flags.eventType || flags.since || flags.until;
  if (ids.length && selectors)
    throw new UsageError(
      "export: give ids or selectors (--status, --failed, --event-type, --since, --until), not both",
    );
  const query = {
    ...parseStatus(flags.status),
    eventTypeGlob: flags.eventType,
    since: flags.since ? parseTimeArg(flags.since, "--since") : undefined,
    until: flags.until ? parseTimeArg(flags.until, "--until") : undefined,
    // Inline hook requests need their exchanges (answers, verdicts), which the format does
    // not carry yet (a record kind to add): they are left out rather than half exported.
    kinds: flags.failed ? [...SELECTABLE_KINDS] : DELIVERY_KINDS.filter((k) => k !== "inline"),
    ...(flags.failed ? { lastAttemptFailed: true } : {}),
  };
  const { store, path } = await openStoreForRead(flags.db, ctx);
  if (!store)
    throw new UsageError(`nothing to export: ${path} does not exist (okhook listen creates it)`);
  return withStore(store, path, async (s) => {
    const sel: ExportSelection = ids.length ? { seqs: seqsOf(s, ids) } : { query };
    const bar = streamProgress(ctx, exportCount(s, sel), "deliveries");
    const tmp = flags.out ? `${flags.out}.${process.pid}.part` : undefined;
    const out = tmp ? openOut(tmp, flags.out!) : ctx.stdout;
    try {
      const written = await writeExport(exportDeliveries(s, sel), out, {
        format,
        okhook: VERSION,
        now: Date.now(),
        selection: ids.length ? { ids } : selectionOf(flags),
        signal: ctx.signal,
        onDelivery: (n) => bar?.update(n),
      });
      if (tmp && flags.out) {
        out.end();
        await finished(out);
        renameSync(tmp, flags.out);
      }
      bar?.clear();
      ctx.stderr.write(
        exportSummary({
          ...written,
          out: flags.out ?? "stdout",
          ...(format === "har" ? {} : { entries: undefined }),
        }),
      );
      return OUTCOME.ok;
    } catch (err) {
      bar?.clear();
      if (tmp) {
        out.destroy();
        rmSync(tmp, { force: true });
      }
      // the reader went away (`| head`): what it wanted was written, as `deliveries | head`
      if (!tmp && (err as NodeJS.ErrnoException).code === "EPIPE") return OUTCOME.ok;
      if ((err as NodeJS.ErrnoException).syscall)
        throw new UsageError(`--out ${flags.out ?? "(stdout)"}: ${describeError(err)}`);
      throw err;
    }
  });
}

/** The export's file, written under a temporary name until complete (0600: it holds payloads). */
function openOut(tmp: string, shown: string): Writable {
  let fd: number;
  try {
    fd = openSync(tmp, "w", 0o600);
  } catch (err) {
    throw new UsageError(`--out ${shown}: ${describeError(err)} (pick a writable path)`);
  }
  // a write error is seen by the export loop (drain) and by `finished`, never unhandled
  return createWriteStream("", { fd }).on("error", () => {});
}

/** The selectors given, as the NDJSON header records them. */
function selectionOf(flags: ExportFlags): Record<string, unknown> {
  const { status, eventType, since, until } = flags;
  const given = { status, eventType, since, until, ...(flags.failed ? { failed: true } : {}) };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
}

function formatFor(flags: ExportFlags): ExportFormat {
  if (flags.format)
    return oneOf(flags.format.toLowerCase(), ["ndjson", "har"] as const, "--format");
  return flags.out?.toLowerCase().endsWith(".har") ? "har" : "ndjson";
}

/** Ids or event uuids to sequence numbers, each once, in the order given. */
function seqsOf(store: Store, refs: string[]): number[] {
  const seqs = refs.map((ref) => {
    const { delivery } = store.lookup.resolve(ref);
    if (delivery.kind === "inline")
      throw new UsageError(
        `"${ref}": an inline hook request; export does not carry inline exchanges yet (okhook show ${ref} --json has it)`,
      );
    return delivery.seq;
  });
  return [...new Set(seqs)];
}
