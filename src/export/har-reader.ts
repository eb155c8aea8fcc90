import { JSONParser } from "@streamparser/json";
import { checkReadable, fromRecord, LineError, toAttempt, unknownKind } from "./ndjson.js";
import type { AttemptJson, ExportedAttempt, ExportedDelivery } from "./record.js";
import { recordProblem } from "./schema.js";

/** What an import file holds, in file order: deliveries and (in a HAR) their attempts. */
export type ImportItem =
  | { type: "delivery"; delivery: ExportedDelivery; line: number }
  | { type: "attempt"; deliveryId: string; attempt: ExportedAttempt; line: number };

/** What import reads of a HAR entry (anything else in it is the browser's business). */
interface HarEntryIn {
  request?: { postData?: { text?: unknown; _encoding?: unknown } };
  response?: { content?: { text?: unknown; encoding?: unknown } };
  _okhook?: {
    version?: unknown;
    record?: unknown;
    delivery?: object;
    attempt?: object;
    deliveryId?: unknown;
  };
}

/** The log's (and each entry's) `_okhook` version and record kinds. */
interface LogMeta {
  version?: unknown;
  kinds?: unknown;
}

/**
 * Reads a HAR written by `okhook export --format har`, fed line by line, streaming: only the
 * entry being parsed is in memory (`log.entries` are emitted one by one and dropped). Each
 * entry's `_okhook` field carries what HAR has no place for. Problems are LineErrors naming
 * the line where the entry ends.
 */
export class HarDecoder {
  private readonly parser = new JSONParser({
    paths: ["$.log._okhook", "$.log.entries.*"],
    keepStack: false,
  });
  private out: HarEntryIn[] = [];
  private ended = false;
  private entries = 0;
  private bytesInEntry = 0;
  private lastLine = 0;

  constructor(private readonly maxEntryBytes: number) {
    this.parser.onValue = ({ value, key }) => {
      if (key === "_okhook") checkLog(value as LogMeta, this.lastLine);
      else this.out.push(value as HarEntryIn);
    };
    this.parser.onEnd = () => {
      this.ended = true;
    };
  }

  /** Feed one line; returns the items of the entries that ended on it. */
  feed(text: string, line: number): ImportItem[] {
    this.lastLine = line;
    if (this.ended) {
      if (text.trim() === "") return [];
      throw new LineError(line, "data after the end of the HAR document");
    }
    try {
      this.parser.write(`${text}\n`);
    } catch (err) {
      // one line: the tokenizer quotes the character it stopped at, a newline included
      const why = (err as Error).message
        .replace(/ at chunk position.*$/s, "")
        .replace(/[\r\n\t]/g, (c) => JSON.stringify(c).slice(1, -1));
      throw new LineError(line, `not valid JSON (${why}): truncated or edited?`);
    }
    this.bytesInEntry += text.length + 1;
    if (this.out.length === 0 && this.bytesInEntry > this.maxEntryBytes)
      throw new LineError(line, `HAR entry ${this.entries + 1} is larger than any okhook writes`);
    const items = this.out.map((entry) => toItem(entry, ++this.entries, line));
    if (this.out.length) this.bytesInEntry = 0;
    this.out = [];
    return items;
  }

  /** Call after the last line: a HAR cut short is not a whole JSON document. */
  finish(): void {
    if (this.lastLine === 0)
      throw new LineError(1, "the file is empty (export with okhook export)");
    if (!this.ended)
      throw new LineError(
        this.lastLine,
        "the HAR document ends early: truncated? (export it again)",
      );
  }
}

function checkLog(meta: LogMeta | null, line: number): void {
  checkReadable(meta?.version, Array.isArray(meta?.kinds) ? meta.kinds : [], line);
}

function toItem(entry: HarEntryIn | null, n: number, line: number): ImportItem {
  const meta = entry?._okhook;
  if (!meta || typeof meta !== "object")
    throw new LineError(
      line,
      `HAR entry ${n} was not written by okhook export (no _okhook field): okhook imports its own exports`,
    );
  checkLog({ version: meta.version }, line);
  if (meta.record === "delivery") {
    const post = entry?.request?.postData;
    const record = {
      ...meta.delivery,
      body: typeof post?.text === "string" ? post.text : null,
      bodyEncoding: post?._encoding === "base64" ? "base64" : "utf8",
      attempts: [],
    };
    try {
      return { type: "delivery", delivery: fromRecord(record, line), line };
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      throw new LineError(line, `HAR entry ${n}: ${err.message.replace(/^line \d+: /, "")}`);
    }
  }
  if (meta.record === "attempt") {
    const content = entry?.response?.content;
    const record = {
      ...meta.attempt,
      response: typeof content?.text === "string" ? content.text : null,
      responseEncoding: content?.encoding === "base64" ? "base64" : "utf8",
    };
    const problem = recordProblem("attempt", record);
    if (problem) throw new LineError(line, `HAR entry ${n}: attempt ${problem}`);
    if (typeof meta.deliveryId !== "string")
      throw new LineError(line, `HAR entry ${n}: _okhook.deliveryId is required`);
    return {
      type: "attempt",
      deliveryId: meta.deliveryId,
      // validated against the attempt schema just above
      attempt: toAttempt(record as unknown as AttemptJson, line, 0),
      line,
    };
  }
  throw unknownKind(meta.record, line);
}
