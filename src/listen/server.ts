import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { DeliverySummary } from "../events.js";
import type { StoredDelivery } from "../store/types.js";
import {
  carriesEvents,
  type ForwardState,
  type NewDelivery,
  type ParsedEvent,
} from "../store/types.js";
import { redactHeaders } from "./auth.js";
import {
  authOf,
  type Classification,
  type ClassifyConfig,
  classify,
  classifyHead,
} from "./classify.js";
import { capHostile, type FloodGate, HOSTILE_BODY_KEEP, isHostile } from "./flood.js";
import type { IngestWriter } from "./ingest.js";
import { answerInline, type InlineRouteOptions } from "./inline-route.js";

/** Slow clients may not hold a connection forever (slowloris). */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/**
 * How often node:http enforces the two timeouts above. Its default (30 s) lets a slowloris
 * or idle connection live up to 40 s instead of 10.
 */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** Status lines for requests node:http rejects before the handler runs. */
const CLIENT_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: "431 Request Header Fields Too Large",
  HPE_CHUNK_EXTENSIONS_OVERFLOW: "413 Content Too Large",
  ERR_HTTP_REQUEST_TIMEOUT: "408 Request Timeout",
};

/** The answer node:http is writing on a connection (its internal `_httpMessage`). */
type PendingAnswer = ServerResponse & { shouldKeepAlive: boolean };

/** Everything the HTTP listener needs; I/O beyond the socket is injected. */
export interface ListenerOptions extends ClassifyConfig {
  maxBodyBytes: number;
  writer: IngestWriter;
  newId: () => string;
  now?: () => number;
  /** Which forward state a delivery starts in (pending when a route matches its events). */
  forwardStateFor: (events: ParsedEvent[]) => ForwardState;
  /** Called after the row is durable and the answer sent (with the record that was stored). */
  onStored: (summary: DeliverySummary, record: NewDelivery) => void;
  /** Requests that could not be stored or were cut off: counted, never crash the listener. */
  onProblem: (message: string) => void;
  /** Default HEADERS_TIMEOUT_MS. */
  headersTimeoutMs?: number;
  /** Past its rate, requests that fail auth or are not Okta-shaped are counted, not stored. */
  flood: FloodGate;
  /** How requests on `inlinePath` are answered (synchronously, by the app). */
  inline?: Omit<InlineRouteOptions, "writer" | "onStored" | "onProblem">;
}

/** Create the node:http server that persists every request, then acknowledges it. */
export function createListener(opts: ListenerOptions): Server {
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, opts).catch((err: unknown) => {
      opts.onProblem(`request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) {
        res.writeHead(503, { "content-type": "text/plain; charset=utf-8", connection: "close" });
        res.end("storage unavailable, retry\n");
      } else res.destroy();
    });
  };
  const server = createServer(
    {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, headersTimeout),
      // A request without Host is still a request to classify, store and answer.
      requireHostHeader: false,
    },
    onRequest,
  );
  // node:http would answer an unknown `Expect` with 417 and never show us the request; the
  // RFC lets a server ignore it, so it is stored and answered like any other.
  server.on("checkExpectation", onRequest);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  answerProtocolErrors(server, opts.onProblem);
  return server;
}

/**
 * Requests node:http rejects before the handler runs get a status line and are counted.
 * When a complete earlier request on the connection still waits for its (stored) answer, the
 * status line must not go out in its place: that answer is sent, then the connection closes.
 */
function answerProtocolErrors(server: Server, onProblem: (message: string) => void): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    onProblem(`malformed request: ${err.code ?? err.message}`);
    const inFlight = (socket as Socket & { _httpMessage?: PendingAnswer | null })._httpMessage;
    if (inFlight && (inFlight.req?.complete || inFlight.headersSent)) {
      if (inFlight.headersSent) inFlight.once("finish", () => socket.end());
      else inFlight.shouldKeepAlive = false;
    } else if (socket.writable && !socket.destroyed) {
      const status = CLIENT_ERROR_STATUS[err.code ?? ""] ?? "400 Bad Request";
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    } else socket.destroy();
  });
  // Without a listener node:http drops CONNECT silently: answer it, and count it.
  server.on("connect", (req: IncomingMessage, socket: Socket) => {
    onProblem(`CONNECT ${String(req.url).slice(0, 100)} refused (not a proxy)`);
    socket.on("error", () => {});
    socket.end("HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  opts: ListenerOptions,
): Promise<void> {
  const startedPerf = performance.now();
  const receivedAt = (opts.now ?? Date.now)();
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const header = (name: string) => headerString(req.headers[name.toLowerCase()]);
  const method = req.method ?? "GET";
  // Checked once: the head's decision and the full classification share it.
  const auth = authOf({ header }, opts);
  // Decided before the body (404, 405, 401…): only what could be stored of it is buffered.
  const early = classifyHead({ method, path, header, tooLarge: false }, opts, auth);
  const keep = early && isHostile(early.kind, early.auth) ? HOSTILE_BODY_KEEP : opts.maxBodyBytes;
  const body = await readBody(req, opts.maxBodyBytes, keep);
  if (body.aborted) {
    opts.onProblem(`request on ${path} cut off before its body ended`);
    return;
  }
  const c = classify(
    { method, path, header, body: body.data, tooLarge: body.tooLarge },
    opts,
    auth,
  );
  const hostile = isHostile(c.kind, c.auth);
  if (hostile && !opts.flood.admit()) {
    opts.flood.count(c.kind);
    answer(res, c);
    return;
  }
  const received: NewDelivery = {
    id: opts.newId(),
    receivedAt,
    method,
    path: (req.url ?? "/").slice(0, 2048),
    remoteAddr: req.socket.remoteAddress ?? null,
    headers: redactHeaders(req.rawHeaders, opts.authHeader),
    body: c.kind === "too_large" ? null : body.data,
    size: body.size,
    kind: c.kind,
    status: c.status,
    auth: c.auth,
    reason: c.reason,
    events: c.events,
    envelopeEventId: c.envelopeEventId,
    forwardState: carriesEvents(c.kind) ? opts.forwardStateFor(c.events) : "none",
  };
  if (c.inline && opts.inline && body.data) {
    const route: InlineRouteOptions = {
      ...opts.inline,
      writer: opts.writer,
      onProblem: opts.onProblem,
      onStored: (record, stored) => opts.onStored(summarize(record, stored), record),
    };
    const inline = { record: received, ...c.inline, raw: body.data, startedPerf };
    return answerInline(route, inline, res);
  }
  const record = hostile ? capHostile(received) : received;
  const stored = await opts.writer.write(record, startedPerf);
  answer(res, c);
  opts.onStored(summarize(record, stored), record);
}

/**
 * No `connection: close`, also on a 413 sent before the body ended: closing while the client
 * still uploads makes the kernel reset the connection and the client never reads the answer.
 * The rest of the body is drained (never buffered), bounded by REQUEST_TIMEOUT_MS.
 */
function answer(res: ServerResponse, c: Classification): void {
  res.writeHead(c.status, {
    ...c.responseHeaders,
    "content-length": String(Buffer.byteLength(c.responseBody)),
  });
  res.end(c.responseBody);
}

function summarize(r: NewDelivery, s: StoredDelivery): DeliverySummary {
  return {
    seq: s.seq,
    id: s.id,
    receivedAt: r.receivedAt,
    method: r.method,
    path: r.path,
    kind: r.kind,
    status: r.status,
    auth: r.auth,
    eventCount: r.events.length,
    firstEventType: r.firstEventType ?? r.events[0]?.eventType ?? null,
    duplicateCount: s.duplicateCount,
    size: r.size,
    ackMs: r.ackMs ?? 0,
    reason: r.reason ?? null,
    forwardState: r.forwardState,
  };
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(", ") : v;
}

interface BodyResult {
  data: Buffer | null;
  size: number;
  tooLarge: boolean;
  aborted: boolean;
}

/**
 * Read a body, buffering at most `keep` bytes (≤ max) while streaming and only counting the
 * rest; past `max` it is too large (and nothing is kept).
 */
function readBody(req: IncomingMessage, max: number, keep: number): Promise<BodyResult> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.resolve({ data: null, size: declared, tooLarge: true, aborted: false });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let kept = 0;
    let done = false;
    const finish = (r: Omit<BodyResult, "size">) => {
      if (done) return;
      done = true;
      resolve({ ...r, size });
    };
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max && chunks.length) chunks.length = 0; // too large: nothing will be kept
      if (kept >= keep || size > max) return;
      // a copy of the part kept, so the rest of a large chunk is not retained with it
      const part =
        chunk.length <= keep - kept ? chunk : Buffer.from(chunk.subarray(0, keep - kept));
      chunks.push(part);
      kept += part.length;
    });
    req.on("end", () =>
      finish(
        size > max
          ? { data: null, tooLarge: true, aborted: false }
          : { data: Buffer.concat(chunks), tooLarge: false, aborted: false },
      ),
    );
    req.on("error", () => finish({ data: null, tooLarge: false, aborted: true }));
    req.on("close", () => {
      if (!req.complete) finish({ data: null, tooLarge: false, aborted: true });
    });
  });
}
