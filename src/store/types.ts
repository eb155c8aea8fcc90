/** What a stored HTTP request was, as classified by the listener (or written by replay/backfill). */
export type DeliveryKind =
  | "delivery"
  | "verification"
  | "rejected"
  | "invalid"
  | "not_found"
  | "method_not_allowed"
  | "too_large"
  | "fixture"
  | "replay"
  | "backfill"
  | "inline";

export const DELIVERY_KINDS: readonly DeliveryKind[] = [
  "delivery",
  "verification",
  "rejected",
  "invalid",
  "not_found",
  "method_not_allowed",
  "too_large",
  "fixture",
  "replay",
  "backfill",
  "inline",
];

/**
 * Kinds of what strangers send the public URL: not Okta-shaped or failing auth (with a
 * verification GET whose auth failed). Capped, rate-limited and pruned by `listen`.
 */
export const HOSTILE_KINDS: readonly DeliveryKind[] = [
  "rejected",
  "invalid",
  "not_found",
  "method_not_allowed",
  "too_large",
];

/** Kinds whose body is an Okta envelope with events (split, forwarded, replayable). */
export function carriesEvents(kind: DeliveryKind): boolean {
  return kind === "delivery" || kind === "fixture" || kind === "replay" || kind === "backfill";
}

/** Forwarding progress of a delivery: none (capture only), pending, forwarded, failed. */
export type ForwardState = "none" | "pending" | "forwarded" | "failed";
export const FORWARD_STATES: readonly ForwardState[] = ["none", "pending", "forwarded", "failed"];

/** How the auth header compared: no secret configured, right, missing, wrong. */
export type AuthState = "none" | "ok" | "missing" | "wrong";

/** Header list as received: [name, value] pairs in order, auth values redacted. */
export type HeaderPairs = [string, string][];

/** One `data.events[]` entry reduced to what lists, replay and reconcile need. */
export interface ParsedEvent {
  uuid: string | null;
  eventType: string | null;
  published: string | null;
  displayMessage: string | null;
  actor: string | null;
  outcome: string | null;
  targets: string | null;
}

/**
 * A delivery: one HTTP request received (or written by replay, backfill or `send`), as the
 * `deliveries` table holds it. Every other delivery shape derives from this one.
 */
export interface DeliveryRecord {
  seq: number;
  id: string;
  receivedAt: number;
  method: string;
  path: string;
  remoteAddr: string | null;
  headers: HeaderPairs;
  /** Raw bytes; null when not kept (too large). */
  body: Buffer | null;
  size: number;
  kind: DeliveryKind;
  status: number;
  ackMs: number | null;
  auth: AuthState;
  eventCount: number;
  duplicateCount: number;
  firstEventType: string | null;
  envelopeEventId: string | null;
  reason: string | null;
  forwardState: ForwardState;
  forwardStatus: number | null;
  forwardMs: number | null;
  forwardError: string | null;
  replayOf: string | null;
  /** Inline hook requests: what Okta does with the answer (`applied`, `failed`, …). */
  inlineOutcome?: string | null;
  /** Inline hook requests: whether Okta would use the answer as the app meant it. */
  inlineApplied?: boolean | null;
}

/** Columns the store fills in: the row's number, what its events say, and forward results. */
type DerivedOnInsert =
  | "seq"
  | "eventCount"
  | "duplicateCount"
  | "forwardStatus"
  | "forwardMs"
  | "forwardError";
/**
 * Columns a writer may leave out (stored as null; `firstEventType` defaults to the first
 * event's type — an inline hook request, which has no events, names its own).
 */
type OptionalOnInsert = "ackMs" | "reason" | "envelopeEventId" | "replayOf" | "firstEventType";

/** A request to store: the record without what the store derives, plus its parsed events. */
export type NewDelivery = Omit<DeliveryRecord, DerivedOnInsert | OptionalOnInsert> &
  Partial<Pick<DeliveryRecord, OptionalOnInsert>> & { events: ParsedEvent[] };

/**
 * A stored delivery without its body (lists, detail views, replay selection). `replayed`:
 * `okhook replay` (or the TUI's r) re-sent it; only reads that ask for it say (the TUI's).
 */
export type DeliveryRow = Omit<DeliveryRecord, "body"> & { replayed?: boolean };

/** What storing a delivery returns. */
export type StoredDelivery = Pick<DeliveryRecord, "seq" | "id" | "duplicateCount">;

/** What a forward or replay sends: the stored request. */
export type DeliveryPayload = Pick<DeliveryRecord, "id" | "receivedAt" | "headers" | "body">;

/** Counters shown in the status header. */
export interface Counters {
  received: number;
  forwarded: number;
  failed: number;
  pending: number;
  duplicates: number;
  rejected: number;
  invalid: number;
  verifications: number;
  /** Requests that failed auth or were not Okta-shaped past the listener's rate: counted, not stored. */
  notStored?: number;
}

/** A stored event row. */
export interface EventRow extends ParsedEvent {
  deliverySeq: number;
  idx: number;
  duplicate: boolean;
}

/** A forward, replay or backfill (`reconcile --replay-missing`) attempt. */
export interface AttemptRow {
  id: number;
  deliverySeq: number;
  kind: "forward" | "replay" | "backfill";
  target: string;
  attempt: number;
  startedAt: number;
  durationMs: number | null;
  status: number | null;
  error: string | null;
  response: string | null;
  slow: boolean;
}

/** An attempt to record (with the answer's headers, when the sender kept them). */
export type NewAttempt = Omit<AttemptRow, "id" | "response"> & {
  response?: Buffer | null;
  responseHeaders?: HeaderPairs | null;
};

/** An attempt with its answer's exact bytes and headers (export and import). */
export type FullAttempt = Omit<AttemptRow, "id" | "deliverySeq" | "response"> & {
  id?: number;
  response: Buffer | null;
  responseHeaders?: HeaderPairs | null;
};

/** A stored event of a delivery (export and import). */
export type FullEvent = Omit<EventRow, "deliverySeq">;

/**
 * A delivery with everything stored about it: the row, its body, events and attempts. What
 * export writes and import reads; `seq` is the exporting database's (import assigns anew).
 */
export type FullDelivery = Omit<DeliveryRecord, "seq" | "eventCount" | "firstEventType"> & {
  seq?: number;
  events: FullEvent[];
  attempts: FullAttempt[];
};

/** Kinds, forward states and HTTP statuses of which a delivery must match at least one. */
export interface StatusAny {
  kinds: DeliveryKind[];
  forwardStates: ForwardState[];
  statuses: number[];
}

/** Filters for listing deliveries, newest first, paged by keyset (`beforeSeq`). */
export interface ListQuery {
  limit: number;
  beforeSeq?: number;
  afterSeq?: number;
  kinds?: DeliveryKind[];
  forwardStates?: ForwardState[];
  statuses?: number[];
  /** A row matching ANY of these (`deliveries --status rejected,forwarded`); with the rest: AND. */
  anyStatus?: StatusAny;
  eventTypeGlob?: string;
  since?: number;
  until?: number;
  text?: string;
  /** Only deliveries whose last attempt (forward or replay) was not 2xx, or that have none. */
  lastAttemptFailed?: boolean;
  /** Override the order (default newest first; oldest first when only `afterSeq` is given). */
  order?: "asc" | "desc";
  /** Also say whether each row was replayed (`replayed`): one index lookup per row returned. */
  replayed?: boolean;
}

/** One answer to an inline hook request (relayed by listen, or a replay) and Okta's verdict. */
export interface InlineExchangeRow {
  id: number;
  deliverySeq: number;
  /** `relay`: Okta's call through listen; `replay`: okhook replay. */
  kind: "relay" | "replay";
  inlineType: string;
  target: string | null;
  startedAt: number;
  elapsedMs: number | null;
  status: number | null;
  error: string | null;
  timedOut: boolean;
  /** The answer's bytes, secrets of the request masked. */
  answer: Buffer | null;
  answerSize: number;
  answerType: string | null;
  /** What went back to Okta (the app's status, or okhook's 502/504). */
  replyStatus: number | null;
  fallback: string | null;
  applied: boolean;
  outcome: string;
  okta: string;
  basis: string;
  retried: boolean;
  problems: { level: "error" | "warning"; message: string; at?: string }[];
  /** What was masked in the request (`--set` paths for a replay). */
  redacted: { path: string; what: string; bytes: number }[] | null;
}

/** An exchange to record. */
export type NewInlineExchange = Omit<InlineExchangeRow, "id">;
