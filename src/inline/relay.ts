// The synchronous half of `listen` for inline hooks: forward Okta's request to the app and
// hand back the app's answer, byte for byte, before Okta's 3 s run out. When the app is
// down or too slow, okhook answers with an error status instead (502 / 504): Okta then
// does exactly what it does when a hook fails in production (the type's time-out
// behaviour, CON; retried once where Okta retries). A 204 or `{}` would be wrong: for a
// registration hook it would allow what a failed hook denies. The late answer is still
// waited for (up to `waitMs`) so its real status, time and mistakes are recorded.
import type { Dispatcher } from "undici";
import { OKTA_HOOK_TIMEOUT_MS as OKTA_TIMEOUT_MS } from "../okta/hook-types.js";
import { lintAnswer } from "./lint.js";
import { answerFacts, exchangeInline, type InlineExchange } from "./send.js";
import type { InlineTypeName, InlineVerdict } from "./types.js";

/** Time kept for the answer's way back through the tunnel to Okta. */
export const RELAY_RETURN_MARGIN_MS = 100;
/** How long a late answer is still waited for, to record it. */
export const RELAY_LATE_WAIT_MS = 10_000;
/** Largest answer passed through byte for byte (Okta refuses anything from 256 KB anyway). */
export const RELAY_MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** What goes back to Okta. */
export interface RelayReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** okhook answered itself (app down, too slow, answer too big), not the app. */
  fallback: "down" | "slow" | "too-big" | null;
}

/** A finished relay: the app's exchange, what Okta got, and what Okta does with it. */
export interface RelayOutcome {
  exchange: InlineExchange;
  reply: RelayReply;
  verdict: InlineVerdict;
}

/** One inline request to relay. */
export interface RelayOptions {
  type: InlineTypeName;
  /** The parsed request (unredacted, in memory only): the commands are judged against it. */
  request: unknown;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** `performance.now()` when the request arrived: Okta's clock was already running. */
  receivedAt: number;
  budgetMs?: number;
  waitMs?: number;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

/** `reply` settles in time for Okta; `done` when the app's answer (or its absence) is known. */
export interface RelayHandle {
  reply: Promise<RelayReply>;
  done: Promise<RelayOutcome>;
}

/** Forward and answer within the budget; never rejects. */
export function relayInline(o: RelayOptions): RelayHandle {
  // Time already spent since the request arrived counts: Okta's clock started before it.
  const spent = performance.now() - o.receivedAt;
  const cutoff = budgetOf(o) - spent;
  const app = exchangeInline({
    url: o.url,
    headers: o.headers,
    body: o.body,
    timeoutMs: o.waitMs ?? RELAY_LATE_WAIT_MS,
    keepBytes: RELAY_MAX_ANSWER_BYTES + 1,
    ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), Math.max(0, cutoff));
  });
  const reply = Promise.race([app, late]).then((x) => {
    clearTimeout(timer);
    return x === "late" ? fallbackReply("slow") : replyOf(x);
  });
  const done = Promise.all([app, reply]).then(([exchange, sent]) => {
    // Timed from the request's arrival, as close to Okta's own clock as okhook can get.
    const x = { ...exchange, elapsedMs: Math.round(exchange.elapsedMs + spent) };
    return { exchange: x, reply: sent, verdict: judgeRelay(o, x, sent) };
  });
  return { reply, done };
}

function replyOf(x: InlineExchange): RelayReply {
  if (x.status === null) return fallbackReply(x.timedOut ? "slow" : "down");
  if (x.bodyBytes > RELAY_MAX_ANSWER_BYTES) return fallbackReply("too-big");
  const headers: Record<string, string> = {};
  const ct = x.headers["content-type"];
  if (ct !== undefined) headers["content-type"] = String(Array.isArray(ct) ? ct[0] : ct);
  return { status: x.status, headers, body: x.body, fallback: null };
}

/** okhook's own answer when the app gave none Okta could get in time. */
function fallbackReply(why: "down" | "slow" | "too-big"): RelayReply {
  const status = why === "slow" ? 504 : 502;
  const message = {
    down: "okhook: the app could not be reached",
    slow: "okhook: the app did not answer within Okta's 3 s",
    "too-big": "okhook: the app's answer is too big to relay",
  }[why];
  const body = Buffer.from(JSON.stringify({ okhook: message }));
  return { status, headers: { "content-type": "application/json" }, body, fallback: why };
}

/** How long the app may take before okhook answers Okta itself. */
function budgetOf(o: RelayOptions): number {
  return o.budgetMs ?? OKTA_TIMEOUT_MS - RELAY_RETURN_MARGIN_MS;
}

/** What Okta does: with the app's answer, or with okhook's fallback for a late or lost one. */
function judgeRelay(o: RelayOptions, x: InlineExchange, sent: RelayReply): InlineVerdict {
  const answer = { type: o.type, request: o.request, ...answerFacts(x) };
  if (sent.fallback === "slow" && x.status !== null && x.elapsedMs <= OKTA_TIMEOUT_MS) {
    // Answered after okhook's cut-off but inside 3 s: Okta got okhook's 504, not this answer.
    const cut = budgetOf(o);
    const limitText = `okhook's ${cut} ms cut-off (Okta's 3 s less the way back)`;
    return lintAnswer({ ...answer, timeoutMs: cut, limitText });
  }
  // An answer too big to relay is judged as it is: Okta refuses anything from 256 KB.
  return lintAnswer(answer);
}
