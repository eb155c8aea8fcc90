import { EventEmitter } from "node:events";
import { Agent, type Dispatcher } from "undici";
import { REDACTED } from "../text/redact.js";

/** Response bodies kept per attempt. */
export const RESPONSE_CAP_BYTES = 64 * 1024;
/** Response headers kept per attempt, as JSON text. */
export const RESPONSE_HEADERS_CAP_BYTES = 8 * 1024;

/** Answer headers that carry credentials (the app's sessions, tokens): stored `[redacted]`. */
const SECRET_ANSWER_HEADERS = new Set([
  "set-cookie",
  "authorization",
  "proxy-authorization",
  "x-api-key",
]);

/**
 * An answer's headers as [name, value] pairs to store, while their JSON fits the cap (a
 * header past it is left out whole), credentials redacted: what `export` shows of the answer.
 */
export function answerHeaders(
  headers: Record<string, string | string[] | undefined>,
  capBytes = RESPONSE_HEADERS_CAP_BYTES,
): [string, string][] {
  const pairs: [string, string][] = [];
  let left = capBytes - 2;
  for (const [name, value] of Object.entries(headers)) {
    const secret = SECRET_ANSWER_HEADERS.has(name.toLowerCase());
    for (const raw of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      const one = secret ? REDACTED : raw;
      const cost = JSON.stringify([name, one]).length + 1;
      if (cost > left) return pairs;
      left -= cost;
      pairs.push([name, one]);
    }
  }
  return pairs;
}

/**
 * What one HTTP send came to, whoever sent it (a forward, a replay, `send fixture`, a
 * backfill): the one shape every send result extends.
 */
export interface SendOutcome {
  /** The answer's status; null when there was none (refused, timed out, aborted). */
  status: number | null;
  /** Why there was no usable answer; null when there was one. */
  error: string | null;
  durationMs: number;
}

/** One HTTP send and what came back. Never throws for per-delivery failures. */
export interface SendResult extends SendOutcome {
  /** Network-level failure (refused, reset, DNS, timeout): the target may come back. */
  network: boolean;
  /** No complete answer within `timeoutMs`. */
  timedOut: boolean;
  response: Buffer | null;
  responseHeaders: Record<string, string | string[] | undefined>;
}

/** What to send. */
export interface SendRequest {
  url: string;
  method?: "POST" | "GET" | "HEAD";
  headers: Record<string, string | string[]>;
  body?: Buffer | null;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** Sends to abort together (e.g. at shutdown) without a listener on a shared signal each. */
  group?: SendGroup;
}

/** An abort signal undici accepts (an EventEmitter with `aborted` and `reason`). */
export class SendAbort extends EventEmitter {
  aborted = false;
  reason: unknown;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit("abort", reason);
  }
}

/** In-flight sends that can be aborted together. */
export class SendGroup extends Set<SendAbort> {
  /** Abort every send in flight now. */
  abortAll(reason: unknown): void {
    for (const s of this) s.abort(reason);
  }
}

let shared: Agent | undefined;

/**
 * The dispatcher every forward uses: tries IPv6 and IPv4 (localhost may be ::1 or 127.0.0.1),
 * keeps idle sockets for less time than typical app servers so reuse never races a close.
 */
export function defaultDispatcher(): Agent {
  shared ??= createDispatcher();
  return shared;
}

/** A new dispatcher with the same settings, for a caller that closes it when done (replay). */
export function createDispatcher(): Agent {
  return new Agent({
    connect: { autoSelectFamily: true, autoSelectFamilyAttemptTimeout: 250 },
    keepAliveTimeout: 2_000,
    keepAliveMaxTimeout: 4_000,
  });
}

const targets = new Map<string, { origin: string; path: string }>();
const MAX_CACHED_TARGETS = 64;

/** Origin and path of a URL, parsed once per URL (forwards go to a handful of targets). */
function target(url: string): { origin: string; path: string } {
  let t = targets.get(url);
  if (!t) {
    const u = new URL(url);
    t = { origin: u.origin, path: `${u.pathname}${u.search}` };
    if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
    targets.set(url, t);
  }
  return t;
}

/** Send once with undici, capturing status, timing, error and up to 64 KiB of the answer. */
export async function sendOnce(req: SendRequest): Promise<SendResult> {
  const started = performance.now();
  // undici takes an EventEmitter as its abort signal: with a plain timer it costs far less
  // per send than AbortSignal.timeout + AbortSignal.any (weak refs and finalizers) or an
  // AbortController (EventTarget listeners).
  const signal = new SendAbort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    signal.abort(new Error(`no answer within ${req.timeoutMs} ms`));
  }, req.timeoutMs);
  const onAbort = () => signal.abort(req.signal?.reason);
  if (req.signal?.aborted) onAbort();
  else req.signal?.addEventListener("abort", onAbort, { once: true });
  req.group?.add(signal);
  try {
    const { origin, path } = target(req.url);
    // dispatcher.request with a parsed target: undici's request(url) re-parses the URL and
    // wraps the call on every send (~20 us of a forward).
    const res = await (req.dispatcher ?? defaultDispatcher()).request({
      origin,
      path,
      method: req.method ?? "POST",
      headers: req.headers,
      body: req.body ?? undefined,
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const response = await readCapped(res.body, RESPONSE_CAP_BYTES);
    return {
      status: res.statusCode,
      error: null,
      network: false,
      timedOut: false,
      durationMs: performance.now() - started,
      response,
      responseHeaders: res.headers,
    };
  } catch (err) {
    return {
      status: null,
      error: timedOut ? `no answer within ${req.timeoutMs} ms` : describeNetworkError(err, req.url),
      network: true,
      timedOut,
      durationMs: performance.now() - started,
      response: null,
      responseHeaders: {},
    };
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener("abort", onAbort);
    req.group?.delete(signal);
  }
}

/** Read a body to its end (as Okta waits for the whole answer), keeping the first `limit` bytes. */
export async function readCapped(
  body: AsyncIterable<Buffer | Uint8Array>,
  limit: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (size < limit) chunks.push(buf.subarray(0, limit - size));
    size += chunk.length;
  }
  return Buffer.concat(chunks);
}

/** One line naming what failed and where (e.g. `connection refused (127.0.0.1:3000, ::1:3000)`). */
export function describeNetworkError(err: unknown, url: string): string {
  const causes = flatten(err);
  const refused = causes.filter((c) => c.code === "ECONNREFUSED");
  if (refused.length) {
    const addrs = [
      ...new Set(refused.map((c) => (c.address ? `${c.address}:${c.port}` : null)).filter(Boolean)),
    ];
    return `connection refused (${addrs.length ? addrs.join(", ") : new URL(url).host})`;
  }
  const known = causes.find((c) => c.code);
  if (known?.code === "ENOTFOUND" || known?.code === "EAI_AGAIN")
    return `DNS lookup failed for ${new URL(url).hostname}`;
  if (known?.code === "ECONNRESET" || known?.code === "UND_ERR_SOCKET")
    return "connection reset by the target";
  if (known?.code === "UND_ERR_HEADERS_TIMEOUT" || known?.code === "UND_ERR_BODY_TIMEOUT")
    return "target stopped answering";
  const first = causes[0];
  return first ? `${first.code ? `${first.code}: ` : ""}${first.message}` : String(err);
}

interface Cause {
  code?: string;
  message: string;
  address?: string;
  port?: number;
}

function flatten(err: unknown, depth = 0): Cause[] {
  if (!(err instanceof Error) || depth > 4) return [];
  const e = err as Error & Cause & { errors?: unknown[] };
  const nested = [...(e.errors ?? []), e.cause].flatMap((c) => flatten(c, depth + 1));
  return [{ code: e.code, message: e.message, address: e.address, port: e.port }, ...nested];
}
