import { createReadStream, existsSync, fstatSync, openSync, rmSync } from "node:fs";
import { resolveDbPath } from "../config.js";
import { ConfigError, describeError, Interrupted, UsageError } from "../errors.js";
import type { ImportItem } from "../export/har-reader.js";
import { applyImport } from "../export/import-plan.js";
import { readImport } from "../export/import-reader.js";
import { LineError } from "../export/ndjson.js";
import { displayPath } from "../fixtures/load.js";
import { currentHolder } from "../listen/listener-lock.js";
import { goneReason } from "../listen/process-alive.js";
import { importSummary, streamProgress } from "../output/export-render.js";
import { openDb } from "../store/db.js";
import { newDeliveryId } from "../store/ids.js";
import { StoreImport } from "../store/import-tx.js";
import { Store } from "../store/store.js";
import { safe } from "../text/sanitize.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { withStore } from "./db-open.js";
import { parseBytes } from "./options.js";

/** `okhook import` flags as commander parses them. */
export interface ImportFlags {
  json?: boolean;
  maxLine: string;
  db?: string;
}

/**
 * `okhook import <file>`: an export into a database (created when missing), in one
 * transaction: a bad line, Ctrl+C or a failed write stores nothing.
 */
export async function importCommand(
  file: string,
  flags: ImportFlags,
  ctx: CliContext,
): Promise<Outcome> {
  const maxLineBytes = parseBytes(flags.maxLine, "--max-line");
  const shown = file === "-" ? "stdin" : displayPath(file);
  const input = openInput(file, shown);
  const path = resolveDbPath(flags.db, ctx.env);
  const existed = existsSync(path);
  try {
    return await importInto(new Store(openDb(path)), {
      path,
      input,
      shown,
      maxLineBytes,
      flags,
      ctx,
      file,
    });
  } catch (err) {
    // a database this import created holds nothing: leave no empty file behind
    if (!existed) for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    throw err;
  } finally {
    input.stream.destroy();
  }
}

async function importInto(
  store: Store,
  o: {
    path: string;
    input: ReturnType<typeof openInput>;
    shown: string;
    maxLineBytes: number;
    flags: ImportFlags;
    ctx: CliContext;
    file: string;
  },
): Promise<Outcome> {
  const { path, input, shown, maxLineBytes, flags, ctx, file } = o;
  return withStore(store, path, async (s) => {
    refuseWhileListening(s, path);
    const bar = streamProgress(ctx, input.size, "bytes");
    const tx = new StoreImport(s);
    try {
      const items = readImport(input.stream, {
        file,
        maxLineBytes,
        onBytes: (n) => bar?.update(n),
      });
      const summary = await applyImport(until(items, ctx.signal), tx, {
        newId: () => newDeliveryId(),
      });
      tx.commit();
      bar?.clear();
      ctx.stdout.write(importSummary(summary, path, ctx, !!flags.json));
      return OUTCOME.ok;
    } catch (err) {
      tx.rollback();
      bar?.clear();
      if (err instanceof LineError)
        throw new UsageError(`${shown}: ${safe(err.message)} (nothing was imported)`);
      throw err;
    }
  });
}

function openInput(
  file: string,
  shown: string,
): { stream: NodeJS.ReadableStream & { destroy(): void }; size: number } {
  if (file === "-") return { stream: process.stdin, size: 0 };
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${shown}: ${code === "ENOENT" ? "no such file" : describeError(err)} (pass an okhook export: .ndjson or .har)`,
    );
  }
  const size = fstatSync(fd).size;
  return { stream: createReadStream("", { fd, highWaterMark: 256 * 1024 }), size };
}

/** A running listen writes to the database: one long import transaction would stall its acks. */
function refuseWhileListening(store: Store, path: string): void {
  const holder = currentHolder(store);
  if (holder && goneReason(holder.pid, holder) === null)
    throw new ConfigError(
      `--db ${path}: okhook listen (pid ${holder.pid}) is writing to it; stop it, or import into another database (--db other.db)`,
    );
}

/** The items, stopping with Interrupted once the signal fires (Ctrl+C): the caller rolls back. */
async function* until(
  items: AsyncIterable<ImportItem>,
  signal: AbortSignal,
): AsyncGenerator<ImportItem> {
  for await (const item of items) {
    if (signal.aborted) throw new Interrupted();
    yield item;
  }
}
