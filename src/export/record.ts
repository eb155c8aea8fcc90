import type { FullAttempt, FullDelivery, FullEvent, HeaderPairs } from "../store/types.js";

/**
 * The version of okhook's export format, in the NDJSON header and each HAR entry's `_okhook`.
 * It changes only when an existing record changes incompatibly; a new record kind (inline
 * hook exchanges, say) is added beside `delivery` and named in the header's `kinds`.
 */
export const EXPORT_FORMAT_VERSION = 1;

/** Record kinds this okhook reads and writes. */
export const RECORD_KINDS = ["delivery"] as const;

/** One forward, replay or backfill attempt as exported (the app's answer byte-exact). */
export type ExportedAttempt = FullAttempt;

/** One stored event of a delivery as exported. */
export type ExportedEvent = FullEvent;

/** A stored delivery with everything about it: what export writes and import reads. */
export type ExportedDelivery = FullDelivery;

/** Bytes as JSON text: the exact text when valid UTF-8, else base64. */
export function encodeBytes(bytes: Buffer | null): {
  text: string | null;
  encoding: "utf8" | "base64";
} {
  if (!bytes) return { text: null, encoding: "utf8" };
  const text = bytes.toString("utf8");
  if (Buffer.from(text, "utf8").equals(bytes)) return { text, encoding: "utf8" };
  return { text: bytes.toString("base64"), encoding: "base64" };
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of encoded text; undefined when `base64` text is not strict base64. */
export function decodeBytes(
  text: string | null,
  encoding: "utf8" | "base64",
): Buffer | null | undefined {
  if (text === null) return null;
  if (encoding === "utf8") return Buffer.from(text, "utf8");
  return BASE64_RE.test(text) ? Buffer.from(text, "base64") : undefined;
}

/** ISO time of epoch milliseconds (every time okhook prints is ISO 8601). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** An event as a JSON record (validated against `schemas/okhook-export.schema.json`). */
export type EventJson = Partial<Omit<ExportedEvent, "idx">> & { idx: number };

/** An attempt as a JSON record: times ISO, the answer as encoded text. */
export interface AttemptJson {
  kind: ExportedAttempt["kind"];
  target: string;
  attempt: number;
  startedAt: string;
  durationMs?: number | null;
  status: number | null;
  error: string | null;
  response: string | null;
  responseEncoding: "utf8" | "base64";
  responseHeaders?: HeaderPairs | null;
  slow: boolean;
}

/** A delivery as a JSON record: the fields of ExportedDelivery, times ISO, the body encoded. */
export type DeliveryJson = Partial<
  Omit<ExportedDelivery, "receivedAt" | "body" | "events" | "attempts">
> &
  Pick<ExportedDelivery, "id" | "method" | "path" | "headers" | "size" | "kind" | "status"> & {
    receivedAt: string;
    body: string | null;
    bodyEncoding: "utf8" | "base64";
    events: EventJson[];
    attempts: AttemptJson[];
  };
