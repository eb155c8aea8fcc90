import type { ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import type { EventBus, InlineSummary } from "../events.js";
import { type ForwardAuth, forwardHeaders } from "../forward/headers.js";
import { lintAnswer } from "../inline/lint.js";
import { type RelayOutcome, type RelayReply, relayInline } from "../inline/relay.js";
import { type RedactedField, redactCopies, redactRequest, secretsOf } from "../inline/secrets.js";
import { answerFacts, type InlineExchange } from "../inline/send.js";
import type { InlineTypeName } from "../inline/types.js";
import type { Store } from "../store/store.js";
import type { NewDelivery, StoredDelivery } from "../store/types.js";
import type { IngestWriter } from "./ingest.js";

/** How `listen` answers inline hook requests. */
export interface InlineRouteOptions {
  /** The app's inline hook endpoint; undefined: nothing to ask (okhook answers 502). */
  target: string | undefined;
  auth: ForwardAuth;
  store: Store;
  writer: IngestWriter;
  bus: EventBus;
  dispatcher?: Dispatcher;
  /** Budget for the app (default: Okta's 3 s less the way back). */
  budgetMs?: number;
  /** Ends the wait for late answers (at shutdown). */
  signal?: AbortSignal;
  /** Told of the work that continues after Okta got its answer, so shutdown can wait for it. */
  track?: (work: Promise<void>) => void;
  /** Called once the request row is stored (the listener announces it). */
  onStored: (record: NewDelivery, stored: StoredDelivery) => void;
  onProblem: (message: string) => void;
}

/** One inline request as the listener read and classified it. */
export interface InlineRequest {
  record: NewDelivery;
  type: InlineTypeName;
  request: Record<string, unknown>;
  /** The body as Okta sent it: forwarded to the app, never stored. */
  raw: Buffer;
  startedPerf: number;
}

/**
 * Answer an inline request: relay it to the app and send the app's answer back (or okhook's
 * 502/504 in time), then store the request with its secrets masked, and — once the app's
 * answer is known, late or not — the exchange with Okta's verdict.
 */
export async function answerInline(
  o: InlineRouteOptions,
  r: InlineRequest,
  res: ServerResponse,
): Promise<void> {
  const secrets = secretsOf(r.request);
  const { body: masked, redacted } = redactRequest(r.raw);
  const headers = forwardHeaders(r.record.headers, o.auth, {
    deliveryId: r.record.id,
    attempt: 1,
    replay: false,
    receivedAt: r.record.receivedAt,
  });
  const relay = o.target
    ? relayInline({
        type: r.type,
        request: r.request,
        url: o.target,
        headers: flat(headers),
        body: r.raw,
        receivedAt: r.startedPerf,
        ...(o.budgetMs ? { budgetMs: o.budgetMs } : {}),
        ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      })
    : noTarget(r);
  const reply = await relay.reply;
  send(res, reply);
  const after = store(o, r, { reply, relay, masked, redacted, secrets });
  o.track?.(after);
  await after;
}

/** Store the request, then (once the app's answer is known) the exchange and its verdict. */
async function store(
  o: InlineRouteOptions,
  r: InlineRequest,
  x: {
    reply: RelayReply;
    relay: { done: Promise<RelayOutcome> };
    masked: Buffer;
    redacted: RedactedField[];
    secrets: ReturnType<typeof secretsOf>;
  },
): Promise<void> {
  const { reply, relay, masked, redacted, secrets } = x;
  const record: NewDelivery = {
    ...r.record,
    body: masked,
    status: reply.status,
    ackMs: performance.now() - r.startedPerf,
    firstEventType: String(r.request.eventType),
    forwardState: "none",
  };
  let stored: StoredDelivery;
  try {
    stored = await o.writer.write(record, r.startedPerf);
  } catch (err) {
    o.onProblem(`inline request ${record.id} not stored: ${(err as Error).message}`);
    return;
  }
  o.onStored(record, stored);
  const done = await relay.done;
  try {
    recordExchange(o, { record, stored, done, redacted, secrets });
  } catch (err) {
    o.onProblem(`inline answer of ${record.id} not stored: ${(err as Error).message}`);
  }
}

function recordExchange(
  o: InlineRouteOptions,
  x: {
    record: NewDelivery;
    stored: StoredDelivery;
    done: RelayOutcome;
    redacted: RedactedField[];
    secrets: ReturnType<typeof secretsOf>;
  },
): void {
  const { exchange: e, reply, verdict } = x.done;
  const type = String(x.record.firstEventType);
  const answered = e.status !== null;
  o.store.batch(() => {
    o.store.deliveries.setInlineAnswer(x.stored.seq, {
      state: answered ? "forwarded" : o.target ? "failed" : "none",
      appStatus: e.status,
      appMs: e.elapsedMs,
      error: e.error ?? (e.timedOut ? "no answer" : null),
      reason: verdict.okta,
    });
    o.store.inline.add({
      deliverySeq: x.stored.seq,
      kind: "relay",
      inlineType: verdict.type,
      target: o.target ?? null,
      startedAt: x.record.receivedAt,
      elapsedMs: e.elapsedMs,
      status: e.status,
      error: e.error,
      timedOut: e.timedOut,
      // the app may echo the password or OTP: masked like the request
      answer: e.bodyBytes > 0 ? redactCopies(e.body, x.secrets) : null,
      answerSize: e.bodyBytes,
      answerType: contentType(e),
      replyStatus: reply.status,
      fallback: reply.fallback,
      applied: verdict.applied,
      outcome: verdict.outcome,
      okta: verdict.okta,
      basis: verdict.basis,
      retried: verdict.retried,
      problems: verdict.problems,
      redacted: x.redacted.length ? x.redacted : null,
    });
  });
  const summary: InlineSummary = {
    seq: x.stored.seq,
    deliveryId: x.record.id,
    eventType: type,
    inlineType: verdict.type,
    target: o.target ?? null,
    status: e.status,
    error: e.error,
    elapsedMs: e.elapsedMs,
    replyStatus: reply.status,
    fallback: reply.fallback,
    applied: verdict.applied,
    outcome: verdict.outcome,
    okta: verdict.okta,
    problems: verdict.problems.length,
  };
  o.bus.emit({ type: "inline", exchange: summary });
}

/** Without a target okhook has nothing to ask: 502 at once, judged as a failed call. */
function noTarget(r: InlineRequest): { reply: Promise<RelayReply>; done: Promise<RelayOutcome> } {
  const body = Buffer.from(
    JSON.stringify({ okhook: "no --inline-to or --forward-to: nothing answers inline hooks" }),
  );
  const reply: RelayReply = {
    status: 502,
    headers: { "content-type": "application/json" },
    body,
    fallback: "down",
  };
  const error = "no app to ask (listen has no --inline-to or --forward-to)";
  const exchange: InlineExchange = {
    status: null,
    headers: {},
    body: Buffer.alloc(0),
    bodyBytes: 0,
    elapsedMs: 0,
    timedOut: false,
    error,
  };
  const verdict = lintAnswer({ type: r.type, request: r.request, ...answerFacts(exchange) });
  return { reply: Promise.resolve(reply), done: Promise.resolve({ exchange, reply, verdict }) };
}

function send(res: ServerResponse, reply: RelayReply): void {
  const empty = reply.status === 204 || reply.status === 304;
  const length = empty ? {} : { "content-length": String(reply.body.length) };
  res.writeHead(reply.status, { ...reply.headers, ...length });
  res.end(empty ? undefined : reply.body);
}

function flat(h: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]),
  );
}

function contentType(e: InlineExchange): string | null {
  const ct = e.headers["content-type"];
  return ct === undefined ? null : String(Array.isArray(ct) ? ct[0] : ct);
}
