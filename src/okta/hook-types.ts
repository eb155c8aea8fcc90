import type { LogEvent } from "./types.js";

/** The body of an Okta event hook delivery POST (okta-reference.md §2). */
export interface OktaEventHookEnvelope {
  eventType: string;
  eventTypeVersion: string;
  cloudEventsVersion: string;
  source: string;
  eventId: string;
  eventTime: string;
  contentType: string;
  data: { events: LogEvent[]; [field: string]: unknown };
  [field: string]: unknown;
}

/** Top-level keys of the delivery envelope: `--set` paths starting with one edit the envelope. */
export const ENVELOPE_KEYS: readonly string[] = Object.freeze([
  "eventType",
  "eventTypeVersion",
  "cloudEventsVersion",
  "source",
  "eventId",
  "eventTime",
  "contentType",
  "data",
]);
