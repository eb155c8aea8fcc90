import { extname } from "node:path";
import { HarDecoder, type ImportItem } from "./har-reader.js";
import { MAX_LINE_BYTES, readLines } from "./lines.js";
import { NdjsonDecoder } from "./ndjson.js";

/** The two formats `okhook export` writes. */
export type ExportFormat = "ndjson" | "har";

/** The format of an import file: by extension, else by its first line. */
export function formatOf(file: string, firstLine: string): ExportFormat {
  const ext = extname(file).toLowerCase();
  if (ext === ".har") return "har";
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  return /"type"\s*:\s*"okhook-export"/.test(firstLine) ? "ndjson" : "har";
}

/** How to read an import file. */
export interface ReadImportOptions {
  /** The format; undefined: decided from `file`'s extension and the first line. */
  format?: ExportFormat;
  file: string;
  maxLineBytes?: number;
  onBytes?: (total: number) => void;
}

/**
 * Stream the records of an export file in file order, validating each as it comes; any
 * problem is a LineError (truncated file, unknown version or record type, a line past the
 * limit, invalid JSON or record). Memory holds one line or HAR entry at a time.
 */
export async function* readImport(
  source: AsyncIterable<Buffer | string>,
  o: ReadImportOptions,
): AsyncGenerator<ImportItem> {
  const maxBytes = o.maxLineBytes ?? MAX_LINE_BYTES;
  let decode: ((text: string, line: number) => ImportItem[]) | undefined;
  let finish: () => void = () => {};
  for await (const { text, line } of readLines(source, { maxBytes, onBytes: o.onBytes })) {
    if (!decode) {
      if (text.trim() === "") continue;
      ({ decode, finish } = decoder(o.format ?? formatOf(o.file, text), maxBytes));
    }
    yield* decode(text, line);
  }
  if (!decode) ({ finish } = decoder(o.format ?? formatOf(o.file, ""), maxBytes));
  finish();
}

function decoder(format: ExportFormat, maxBytes: number) {
  if (format === "har") {
    const har = new HarDecoder(maxBytes);
    return { decode: (t: string, l: number) => har.feed(t, l), finish: () => har.finish() };
  }
  const nd = new NdjsonDecoder();
  return {
    decode: (t: string, l: number): ImportItem[] => {
      const delivery = nd.feed(t, l);
      return delivery ? [{ type: "delivery", delivery, line: l }] : [];
    },
    finish: () => nd.finish(),
  };
}
