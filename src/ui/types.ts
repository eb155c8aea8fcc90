import type {
  AttemptRow,
  Counters,
  DeliveryRow,
  EventRow,
  InlineExchangeRow,
  ListQuery,
} from "../store/types.js";

/** Everything the detail pane shows for one delivery; loaded only for the selected row. */
export interface DeliveryDetail {
  delivery: DeliveryRow;
  events: EventRow[];
  attempts: AttemptRow[];
  /** The raw body as UTF-8 text (null when it was not kept, e.g. too large). */
  body: string | null;
  /** An inline hook request's answers, oldest first, each with Okta's verdict. */
  inline?: InlineExchangeRow[];
}

/**
 * The read interface the UI gets over the database (implemented in src/commands/ over Store).
 * Every method is a short indexed query: the UI never loads all rows.
 */
export interface DeliverySource {
  /** Deliveries newest first by keyset (`beforeSeq`), or oldest first after `afterSeq`. */
  page(q: ListQuery): DeliveryRow[];
  /** Fresh copies of these rows (forward state moves on); missing ones are left out. */
  rows(seqs: readonly number[]): DeliveryRow[];
  /** The selected delivery with events, attempts and body. */
  detail(seq: number): DeliveryDetail | undefined;
  /** Header counters for the scope the command chose (this session, since opened). */
  counters(): Counters;
  /** Highest stored sequence number: how many rows exist, and whether new ones arrived. */
  maxSeq(): number;
  /** `okhook ui`: whether a listen runs on this database now (polled while the UI is open). */
  listener?(): ListenerStatus;
}

/** A listen on the database as `okhook ui` shows it: running (pid, URL) or not (the last URL). */
export type ListenerStatus =
  | { running: true; pid: number; url?: string }
  | { running: false; lastUrl?: string };

/** What a replay from the UI did (one new attempt row). */
export interface ReplayOutcome {
  ok: boolean;
  target: string | null;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** Attempt number recorded for the target, when an attempt was made. */
  attempt?: number;
}

/** The curl overlay: the command, and whether it reached the clipboard. */
export interface CurlView {
  /** Shell words, grouped: a line may break (with ` \`) between any two groups. */
  parts: string[];
  copy: { copied: boolean; note: string };
}

/** Side effects the UI may ask for; implemented by the command that mounted it. */
export interface UiActions {
  /** Re-send a stored delivery to its target and record the attempt. Never rejects for a bad target. */
  replay(seq: number): Promise<ReplayOutcome>;
  /** A shell command that re-sends the delivery, copied to the clipboard where the terminal allows. */
  curl(seq: number): CurlView;
  /** Leave the UI; the command runs its shutdown order. */
  quit(): void;
  /** The secret the header masks, for the `s` key (read on demand, never kept in the view). */
  revealSecret?(): string | undefined;
}

/** Health of one forward target as the header shows it. */
export type TargetHealthState = "up" | "down" | "unknown";

/** One forward target in the header. */
export interface TargetInfo {
  /** What it receives (e.g. `user.lifecycle.*`, `everything else`); null for the one catch-all. */
  receives: string | null;
  target: string;
  health: TargetHealthState;
  reason?: string;
}

/** State of the public tunnel. */
export interface TunnelInfo {
  state: "off" | "starting" | "ready" | "reconnecting" | "failed" | "stopped";
  publicUrl?: string;
  reason?: string;
}

/** What the header shows besides counters; filled by the command and by session events. */
export interface HeaderInfo {
  mode: "listen" | "ui";
  version: string;
  db: string;
  localUrl?: string;
  /** The hook URL on this machine (local URL + path). */
  localHookUrl?: string;
  /** `okhook ui`: the listener on the database, if one runs. */
  listener?: ListenerStatus;
  /** The URL to paste into Okta, once the tunnel is ready (public URL + path). */
  publicHookUrl?: string;
  /** The hook URL the tunnel had the last time it was ready (tells a reconnect from a new URL). */
  lastReadyHookUrl?: string;
  authHeader: string;
  /** Already masked by the command (or shown when --show-secret); undefined = no secret. */
  secretLabel?: string;
  tunnel: TunnelInfo;
  targets: TargetInfo[];
  hook?: string;
  /** What the counters count: "session" for listen, "since open" for ui. */
  countersScope: string;
}
