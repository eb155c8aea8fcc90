import type { ForwardInfo } from "../store/wait-reads.js";
import type { ConditionOutcome, MatchCondition } from "./match.js";

export type { EventRef, ForwardInfo, WaitRow } from "../store/wait-reads.js";

/** What `okhook wait` waits for. */
export interface WaitSpec {
  /** Event type glob (`user.lifecycle.*`; `*` crosses dots: the one glob engine, event-type-glob.ts). */
  eventType: string;
  conditions: MatchCondition[];
  /** Distinct events (by uuid) needed. */
  count: number;
  /** Count an event only once its delivery was forwarded and the app answered 2xx. */
  forwarded: boolean;
}

/** A counted event: what `wait` prints. */
export interface WaitMatch {
  seq: number;
  deliveryId: string;
  receivedAt: number;
  idx: number;
  uuid: string | null;
  eventType: string;
  duplicate: boolean;
  forward: ForwardInfo;
  /** The LogEvent as stored (Okta's bytes, parsed). */
  event: unknown;
}

/** An event of the wanted type that was not counted, and why. */
export interface NearMiss {
  seq: number;
  deliveryId: string;
  receivedAt: number;
  uuid: string | null;
  eventType: string;
  /** Conditions that held, of how many. */
  held: number;
  of: number;
  /** The conditions that did not hold, with what the event had instead. */
  failed: ConditionOutcome[];
  /** Set when every condition held but the app has not (yet) taken the delivery (--forwarded). */
  forward?: ForwardInfo;
}

/** What a wait that ran out of time can say about what did arrive. */
export interface WaitReport {
  wanted: number;
  counted: number;
  /** The closest misses, best first. */
  closest: NearMiss[];
  /** Events of the wanted type seen (counted or not). */
  sameType: number;
  /** Events of other types seen, most frequent first (bounded). */
  otherTypes: { eventType: string; count: number }[];
  /** Every event looked at. */
  seen: number;
}
