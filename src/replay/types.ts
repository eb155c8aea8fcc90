import type { Dispatcher } from "undici";
import type { SendGroup, SendOutcome } from "../forward/send.js";
import type { AuthPlan, TargetRole } from "../listen/listener-auth.js";
import type { Edit } from "../payload/edit.js";
import type { DeliveryRow, ParsedEvent } from "../store/types.js";

/** Per-attempt timeout when the user gives none (as forwarding). */
export const REPLAY_TIMEOUT_MS = 10_000;

/** One thing to replay: a stored delivery, or just one of its events (replay by event uuid). */
export interface ReplayItem {
  seq: number;
  /** Index in `data.events` when the user named an event uuid of a multi-event delivery. */
  eventIdx?: number;
  /** What a selection already read for it, a page at a time (spares three reads per item). */
  prefetched?: PrefetchedItem;
}

/** A delivery's row, raw body and attempt numbers so far, read with its selection page. */
export interface PrefetchedItem {
  row: DeliveryRow;
  body: Buffer | null;
  /** Highest attempt number per target URL. */
  lastAttempt: ReadonlyMap<string, number>;
}

/** Where and how to send, shared by every delivery of a run. */
export interface ReplaySendOptions {
  /** Explicit target (already normalised); wins over everything. */
  to?: string;
  /** Send through the listener that stored the deliveries (meta `listener.url`). */
  viaListener?: boolean;
  /** `--set` edits; any edit makes the payload a new delivery linked to the original. */
  edits?: readonly Edit[];
  /** New event uuids and envelope `eventId`. */
  freshIds?: boolean;
  /** A secret for every target (e.g. `--secret`): re-added as the auth header (stored headers are redacted). */
  secret?: string;
  /** Auth header name; default: the redacted header the delivery arrived with, else authorization. */
  authHeader?: string;
  /**
   * Without `secret`: the auth the database's listener used for this target (its own secret,
   * or what it forwards to the app); a plan that is not known stops the replay before sending.
   */
  authFor?: (url: string, role: TargetRole | undefined, fallbackHeader: string) => AuthPlan;
  /** Per-attempt timeout (default REPLAY_TIMEOUT_MS). */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Aborts in-flight sends (Ctrl+C); they are stored as interrupted attempts. */
  signal?: AbortSignal;
  /** The run's in-flight sends, aborted together when `signal` fires (set by runReplay). */
  group?: SendGroup;
  /** Epoch milliseconds; default Date.now. */
  clock?: () => number;
}

/** A delivery ready to send: nothing has been written yet. */
export interface PreparedReplay {
  original: DeliveryRow;
  /** The event uuid the user named, when only that event is replayed. */
  eventUuid?: string;
  method: string;
  url: string;
  /** Headers to send; the auth header (named by `authHeader`) carries the secret. */
  headers: Record<string, string | string[]>;
  authHeader: string;
  body: Buffer;
  /** True when the bytes differ from the stored ones (edits, fresh ids, single event). */
  edited: boolean;
  /** Id the edited bytes will be stored under (a new delivery linked to the original). */
  newId?: string;
  /** The events sent (read from the store on first use when the bytes are the original's). */
  readonly events: ParsedEvent[];
  envelopeEventId: string | null;
  /** The attempt number the send will carry. */
  attempt: number;
  /** How the target was chosen. */
  targetSource: "to" | "listener" | "forward-target";
}

/** The outcome of replaying one delivery. Per-delivery failures are results, not exceptions. */
export interface ReplayResult extends SendOutcome {
  /** The original delivery. */
  replayOf: DeliveryRow;
  /** Delivery the attempt is recorded on: the original, or the new one holding edited bytes. */
  deliverySeq: number;
  deliveryId: string;
  edited: boolean;
  eventUuid?: string;
  eventCount: number;
  firstEventType: string | null;
  /** null when the delivery could not be prepared (see `error`). */
  target: string | null;
  attempt: number;
  /** 2xx. */
  ok: boolean;
  /** The target could not be reached (refused, reset, DNS, timeout). */
  network: boolean;
  interrupted: boolean;
  /** Slower than Okta's 3 s limit. */
  slow: boolean;
  /** Start of the send, epoch milliseconds. */
  startedAt: number;
}

/** Totals of a run. */
export interface ReplaySummary {
  total: number;
  done: number;
  accepted: number;
  rejected: number;
  unreachable: number;
  interrupted: boolean;
}
