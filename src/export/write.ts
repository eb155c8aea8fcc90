import type { Writable } from "node:stream";
import { Interrupted } from "../errors.js";
import { HAR_TAIL, harEntriesText, harHead } from "./har.js";
import type { ExportFormat } from "./import-reader.js";
import { deliveryLine, endLine, headerLine } from "./ndjson.js";
import type { ExportedDelivery } from "./record.js";

/** How to write an export. */
export interface WriteExportOptions {
  format: ExportFormat;
  okhook: string;
  now: number;
  /** What was selected, as the NDJSON header records it. */
  selection?: Record<string, unknown>;
  signal?: AbortSignal;
  /** After each delivery: how many so far. */
  onDelivery?: (done: number) => void;
}

/** What an export wrote. */
export interface ExportWritten {
  deliveries: number;
  /** HAR entries (a delivery and each of its attempts). */
  entries: number;
  bytes: number;
}

/**
 * Stream deliveries into `out` as NDJSON or HAR, one delivery at a time, waiting for the
 * stream to drain (backpressure), so memory holds one delivery whatever the export's size.
 * Ctrl+C (the signal) stops it with Interrupted.
 */
export async function writeExport(
  deliveries: Iterable<ExportedDelivery>,
  out: Writable,
  o: WriteExportOptions,
): Promise<ExportWritten> {
  const w = { deliveries: 0, entries: 0, bytes: 0 };
  const put = async (text: string) => {
    w.bytes += Buffer.byteLength(text);
    if (!out.write(text)) await drained(out, o.signal);
  };
  const har = o.format === "har";
  const head = { okhook: o.okhook, exportedAt: o.now, selection: o.selection };
  await put(har ? harHead(head) : headerLine(head));
  for (const d of deliveries) {
    if (o.signal?.aborted) throw new Interrupted();
    await put(har ? harEntriesText(d, w.deliveries === 0) : deliveryLine(d));
    w.deliveries++;
    w.entries += 1 + d.attempts.length;
    o.onDelivery?.(w.deliveries);
  }
  await put(har ? HAR_TAIL : endLine(w.deliveries));
  return w;
}

/** Wait until `out` takes more; a stream that failed or closed (a pipe's reader gone) throws. */
function drained(out: Writable, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off("drain", onDrain).off("error", onError).off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () =>
      done(out.errored ?? new Error("the output closed before the export ended"));
    const onAbort = () => done(new Interrupted());
    if (out.errored || out.destroyed) return onClose();
    out.on("drain", onDrain).on("error", onError).on("close", onClose);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
