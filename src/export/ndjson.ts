import { shortId } from "../store/ids.js";
import { toJson } from "../text/sanitize.js";
import {
  type AttemptJson,
  type DeliveryJson,
  decodeBytes,
  type EventJson,
  EXPORT_FORMAT_VERSION,
  type ExportedAttempt,
  type ExportedDelivery,
  encodeBytes,
  iso,
  RECORD_KINDS,
} from "./record.js";
import { recordProblem } from "./schema.js";

/** What the first line says about the file. */
export interface ExportHeader {
  type: "okhook-export";
  version: number;
  kinds: string[];
  okhook?: string;
  exportedAt?: string;
  selection?: Record<string, unknown>;
}

/** The header line of an NDJSON export. */
export function headerLine(o: { okhook: string; exportedAt: number; selection?: object }): string {
  const header: ExportHeader = {
    type: "okhook-export",
    version: EXPORT_FORMAT_VERSION,
    kinds: [...RECORD_KINDS],
    okhook: o.okhook,
    exportedAt: iso(o.exportedAt),
    ...(o.selection ? { selection: { ...o.selection } } : {}),
  };
  return `${toJson(header)}\n`;
}

/** The last line: how many records came before it, so a truncated file is recognised. */
export function endLine(records: number): string {
  return `${toJson({ type: "end", records })}\n`;
}

/** One delivery as an NDJSON line: the fields of `show --json` (without the parsed payload). */
export function deliveryLine(d: ExportedDelivery): string {
  return `${toJson(deliveryRecord(d))}\n`;
}

/**
 * A delivery as a JSON record. HAR's `_okhook` leaves out the body (it is the request's
 * postData) and the attempts (each is an entry of its own).
 */
export function deliveryRecord(d: ExportedDelivery, withBody = true): Record<string, unknown> {
  const { body: _b, events, attempts, receivedAt, ...row } = d;
  const body = encodeBytes(d.body);
  return {
    type: "delivery",
    ...row,
    shortId: shortId(d.id),
    receivedAt: iso(receivedAt),
    eventCount: events.length,
    firstEventType: events[0]?.eventType ?? null,
    ...(withBody ? { body: body.text, bodyEncoding: body.encoding } : {}),
    events,
    attempts: withBody ? attempts.map(attemptRecord) : [],
  };
}

/** An attempt as a JSON record, the app's answer byte-exact. */
export function attemptRecord(a: ExportedAttempt): Record<string, unknown> {
  const response = encodeBytes(a.response);
  return {
    ...a,
    startedAt: iso(a.startedAt),
    response: response.text,
    responseEncoding: response.encoding,
  };
}

/** A problem with one line of an import file: exit 2, naming the line. */
export class LineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * Reads an NDJSON export line by line: header first, deliveries, then the end record whose
 * count must match. Every problem is a LineError naming the line.
 */
export class NdjsonDecoder {
  private header: ExportHeader | undefined;
  private records = 0;
  private ended = false;
  private lastLine = 0;

  /** Decode one line (1-based number); a delivery, or undefined for header, end and blank lines. */
  feed(text: string, line: number): ExportedDelivery | undefined {
    this.lastLine = line;
    if (text.trim() === "") return undefined;
    if (this.ended) throw new LineError(line, "data after the end record (two exports joined?)");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new LineError(line, `not valid JSON (${(err as Error).message}); truncated or edited?`);
    }
    const type = (value as { type?: unknown } | null)?.type;
    if (!this.header) {
      this.header = readHeader(value, line);
      return undefined;
    }
    if (type === "end") return this.end(value, line);
    if (type !== "delivery") throw unknownKind(type, line);
    this.records++;
    return fromRecord(value, line);
  }

  /** Call after the last line: a file without its end record was cut short. */
  finish(): void {
    if (!this.header) throw new LineError(1, "the file is empty (export with okhook export)");
    if (!this.ended)
      throw new LineError(
        this.lastLine,
        "the file ends without its end record: truncated? (export it again)",
      );
  }

  private end(value: unknown, line: number): undefined {
    const problem = recordProblem("end", value);
    if (problem) throw new LineError(line, `end record ${problem}`);
    const expected = (value as { records: number }).records;
    if (expected !== this.records)
      throw new LineError(
        line,
        `the end record counts ${expected} records, the file holds ${this.records}: truncated or edited? (export it again)`,
      );
    this.ended = true;
    return undefined;
  }
}

function readHeader(value: unknown, line: number): ExportHeader {
  const type = (value as { type?: unknown } | null)?.type;
  if (type !== "okhook-export")
    throw new LineError(
      line,
      "not an okhook export: no header record (make one with okhook export)",
    );
  const problem = recordProblem("header", value);
  if (problem) throw new LineError(line, `header ${problem}`);
  const header = value as ExportHeader;
  checkReadable(header.version, header.kinds, line);
  return header;
}

/** A LineError unless this okhook reads the format `version` and every record kind (NDJSON, HAR). */
export function checkReadable(version: unknown, kinds: readonly unknown[], line: number): void {
  if (typeof version === "number" && version > EXPORT_FORMAT_VERSION)
    throw new LineError(
      line,
      `export format version ${version} is newer than this okhook reads (${EXPORT_FORMAT_VERSION}): upgrade okhook`,
    );
  for (const kind of kinds)
    if (!(RECORD_KINDS as readonly unknown[]).includes(kind)) throw unknownKind(kind, line);
}

/** A record kind this okhook does not know: the file is from a newer one. */
export function unknownKind(kind: unknown, line: number): LineError {
  return new LineError(
    line,
    `records of type ${JSON.stringify(kind) ?? "(none)"} are not known to this okhook: upgrade okhook`,
  );
}

/** A validated delivery record as an ExportedDelivery; LineError naming what is wrong. */
export function fromRecord(value: unknown, line: number): ExportedDelivery {
  const problem = recordProblem("delivery", value);
  if (problem) throw new LineError(line, `delivery ${problem}`);
  const r = value as DeliveryJson;
  const body = decodeBytes(r.body, r.bodyEncoding);
  if (body === undefined) throw new LineError(line, "delivery /body is not valid base64");
  if (body && body.length > r.size)
    throw new LineError(
      line,
      `delivery /body holds ${body.length} bytes, more than its size ${r.size}`,
    );
  r.events.forEach((e, i) => {
    if (e.idx !== i) throw new LineError(line, `delivery /events/${i}/idx must be ${i}`);
  });
  return {
    id: r.id,
    receivedAt: Date.parse(r.receivedAt),
    method: r.method,
    path: r.path,
    remoteAddr: r.remoteAddr ?? null,
    headers: r.headers,
    size: r.size,
    kind: r.kind,
    status: r.status,
    ackMs: r.ackMs ?? null,
    auth: r.auth ?? "none",
    reason: r.reason ?? null,
    envelopeEventId: r.envelopeEventId ?? null,
    forwardState: r.forwardState ?? "none",
    forwardStatus: r.forwardStatus ?? null,
    forwardMs: r.forwardMs ?? null,
    forwardError: r.forwardError ?? null,
    replayOf: r.replayOf ?? null,
    duplicateCount: r.duplicateCount ?? 0,
    body,
    events: r.events.map(toEvent),
    attempts: r.attempts.map((a, i) => toAttempt(a, line, i)),
  };
}

function toEvent(e: EventJson): ExportedDelivery["events"][number] {
  return {
    idx: e.idx,
    uuid: e.uuid ?? null,
    eventType: e.eventType ?? null,
    published: e.published ?? null,
    displayMessage: e.displayMessage ?? null,
    actor: e.actor ?? null,
    outcome: e.outcome ?? null,
    targets: e.targets ?? null,
    duplicate: e.duplicate ?? false,
  };
}

/** An attempt record as an ExportedAttempt (also used for HAR's attempt entries). */
export function toAttempt(a: AttemptJson, line: number, i: number): ExportedAttempt {
  const response = decodeBytes(a.response, a.responseEncoding);
  if (response === undefined)
    throw new LineError(line, `delivery /attempts/${i}/response is not valid base64`);
  return {
    kind: a.kind,
    target: a.target,
    attempt: a.attempt,
    startedAt: Date.parse(a.startedAt),
    durationMs: a.durationMs ?? null,
    status: a.status,
    error: a.error,
    response,
    responseHeaders: a.responseHeaders ?? null,
    slow: a.slow,
  };
}
