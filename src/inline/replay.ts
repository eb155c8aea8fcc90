// `okhook replay <id>` of an inline hook request: send the stored request again, record the
// new answer as a `replay` exchange, and return it beside the last one so both verdicts can
// be compared. Secrets were masked when the request was stored: a replay needs them again
// (`--set data.context.credential.password=…`); the SMS template's OTP is refilled from a
// new otpCode.
import type { Dispatcher } from "undici";
import { UsageError } from "../errors.js";
import { type ForwardAuth, forwardHeaders } from "../forward/headers.js";
import type { Edit } from "../payload/edit.js";
import type { Store } from "../store/store.js";
import type { DeliveryRow, InlineExchangeRow } from "../store/types.js";
import { prepareInlineRequest } from "./request.js";
import { redactCopies, requiredSecrets, secretsOf } from "./secrets.js";
import { type InlineSendResult, sendInline } from "./send.js";
import { type InlineTypeName, inlineTypeOf } from "./types.js";

/** One inline replay's inputs. */
export interface InlineReplayOptions {
  store: Store;
  delivery: DeliveryRow;
  /** Where to send; default: where the listener relayed it. */
  to?: string;
  /** The listener's inline URL (for `--via-listener`, and when nothing else is known). */
  listenerUrl?: string;
  viaListener?: boolean;
  /** The auth header for a target (as forwarding or the listener expects it). */
  authFor: (url: string) => ForwardAuth;
  edits: readonly Edit[];
  freshIds?: boolean;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

/** What a replay needs before anything is sent: the request, its type and the target. */
export interface PreparedInlineReplay {
  type: InlineTypeName;
  request: Record<string, unknown>;
  url: string;
  before: InlineExchangeRow | undefined;
}

/** Check and prepare an inline replay; a UsageError (exit 2) names what is missing. */
export function prepareInlineReplay(o: InlineReplayOptions): PreparedInlineReplay {
  const d = o.delivery;
  const type = inlineTypeOf(d.firstEventType);
  const body = o.store.deliveries.body(d.seq);
  if (!type || !body) throw new UsageError(`"${d.id}": no stored inline hook request to replay`);
  const stored = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
  const missing = requiredSecrets(stored).filter(
    (s) => !o.edits.some((e) => e.raw.startsWith(`${s.path}=`)),
  );
  if (missing.length) {
    const sets = missing.map((s) => `--set ${s.path}=<the ${s.what}>`).join(" ");
    throw new UsageError(
      `"${d.id}": okhook never stores the ${missing.map((s) => s.what).join(" and ")} of a request; give it again: okhook replay ${d.id} ${sets}`,
    );
  }
  const { request } = prepareInlineRequest(stored, { keepIds: !o.freshIds, edits: o.edits });
  const history = o.store.inline.of(d.seq);
  const before = history.at(-1);
  const last = [...history].reverse().find((x) => x.target)?.target ?? undefined;
  const url = o.viaListener ? o.listenerUrl : (o.to ?? last ?? o.listenerUrl);
  if (!url) {
    throw new UsageError(
      `"${d.id}": no app is known for it: pass --to <url> (your inline hook endpoint)`,
    );
  }
  return { type, request, url, before };
}

/** Send the prepared request, record the answer as a replay exchange, return it. */
export async function runInlineReplay(
  o: InlineReplayOptions,
  p: PreparedInlineReplay,
): Promise<{ result: InlineSendResult; after: InlineExchangeRow }> {
  const auth = o.authFor(p.url);
  const n = o.store.inline.of(o.delivery.seq).length + 1;
  const headers = forwardHeaders(o.delivery.headers, auth, {
    deliveryId: o.delivery.id,
    attempt: n,
    replay: true,
    replayOf: o.delivery.id,
    receivedAt: o.delivery.receivedAt,
  });
  const startedAt = Date.now();
  const result = await sendInline({
    url: p.url,
    type: p.type,
    request: p.request,
    body: Buffer.from(JSON.stringify(p.request)),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
    ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const x = result.exchange;
  const v = result.verdict;
  const row: Omit<InlineExchangeRow, "id"> = {
    deliverySeq: o.delivery.seq,
    kind: "replay",
    inlineType: p.type,
    target: p.url,
    startedAt,
    elapsedMs: x.elapsedMs,
    status: x.status,
    error: x.error,
    timedOut: x.timedOut,
    // the secrets given with --set are masked in the stored answer like the request's
    answer: x.bodyBytes > 0 ? redactCopies(x.body, secretsOf(p.request)) : null,
    answerSize: x.bodyBytes,
    answerType: typeof x.headers["content-type"] === "string" ? x.headers["content-type"] : null,
    replyStatus: x.status,
    fallback: null,
    applied: v.applied,
    outcome: v.outcome,
    okta: v.okta,
    basis: v.basis,
    retried: v.retried,
    problems: v.problems,
    redacted: null,
  };
  const id = o.store.inline.add(row);
  return { result, after: { ...row, id } };
}
