// One inline hook call as Okta makes it: POST the request, wait for the whole answer, time
// it to the last byte, then judge it with the linter. Per-call failures are results.
import type { Dispatcher } from "undici";
import { defaultDispatcher, describeNetworkError } from "../forward/send.js";
import { type LintInput, lintAnswer } from "./lint.js";
import type { InlineTypeName, InlineVerdict } from "./types.js";

/** How long `send inline` waits, so a slow app's real answer is still shown (and judged late). */
export const INLINE_SEND_WAIT_MS = 10_000;
/** Answer bytes kept in memory; the size beyond is only counted (Okta takes < 256 KB). */
export const INLINE_KEEP_BYTES = 1024 * 1024;

/** One POST and its raw outcome. */
export interface InlineExchange {
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  /** The answer's first INLINE_KEEP_BYTES (all of it when `bodyBytes` is no larger). */
  body: Buffer;
  bodyBytes: number;
  elapsedMs: number;
  timedOut: boolean;
  /** Connection-level failure (refused, reset, DNS); null when an answer or a timeout came. */
  error: string | null;
}

/** What to send. */
export interface InlineCall {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Give up after this long (default INLINE_SEND_WAIT_MS). */
  timeoutMs?: number;
  keepBytes?: number;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

/** POST once and read the whole answer; never throws for a per-call failure. */
export async function exchangeInline(call: InlineCall): Promise<InlineExchange> {
  const started = performance.now();
  const waitMs = call.timeoutMs ?? INLINE_SEND_WAIT_MS;
  const timeout = AbortSignal.timeout(waitMs);
  const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const u = new URL(call.url);
    const res = await (call.dispatcher ?? defaultDispatcher()).request({
      origin: u.origin,
      path: `${u.pathname}${u.search}`,
      method: "POST",
      headers: call.headers,
      body: Buffer.from(call.body),
      signal,
    });
    const keep = call.keepBytes ?? INLINE_KEEP_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (size < keep) chunks.push(chunk.subarray(0, keep - size));
      size += chunk.length;
    }
    const body = Buffer.concat(chunks);
    return {
      status: res.statusCode,
      headers: res.headers,
      body,
      bodyBytes: size,
      elapsedMs: elapsed(),
      timedOut: false,
      error: null,
    };
  } catch (err) {
    const timedOut = timeout.aborted;
    const error = timedOut
      ? null
      : call.signal?.aborted
        ? "aborted"
        : describeNetworkError(err, call.url);
    return {
      status: null,
      headers: {},
      body: Buffer.alloc(0),
      bodyBytes: 0,
      elapsedMs: elapsed(),
      timedOut,
      error,
    };
  }
}

/** What the linter reads of an exchange: the answer, its size and time, or why none came. */
export function answerFacts(
  x: InlineExchange,
): Pick<
  LintInput,
  "status" | "headers" | "body" | "bodyBytes" | "elapsedMs" | "timedOut" | "error"
> {
  return {
    status: x.status,
    headers: x.headers,
    body: x.body,
    bodyBytes: x.bodyBytes,
    elapsedMs: x.elapsedMs,
    timedOut: x.timedOut,
    ...(x.error ? { error: x.error } : {}),
  };
}

/** A call and Okta's verdict on its answer. */
export interface InlineSendResult {
  exchange: InlineExchange;
  verdict: InlineVerdict;
  /** No answer because the app could not be reached at all (exit 4 for `send inline`). */
  unreachable: boolean;
}

/** Send an inline request and judge the answer as Okta would. */
export async function sendInline(
  call: InlineCall & {
    type: InlineTypeName;
    request: unknown;
    /** Okta's limit for this hook (3 s unless Okta Support raised it). */
    limitMs?: number;
  },
): Promise<InlineSendResult> {
  const exchange = await exchangeInline(call);
  const verdict = lintAnswer({
    type: call.type,
    request: call.request,
    ...answerFacts(exchange),
    ...(call.limitMs ? { timeoutMs: call.limitMs } : {}),
  });
  return { exchange, verdict, unreachable: exchange.status === null && !exchange.timedOut };
}
