import type { LogEvent } from "./types.js";

/**
 * Okta waits this long for a hook's answer, then counts the call as failed (okta-reference §1, §2):
 * anything slower is flagged wherever a duration is shown.
 */
export const OKTA_HOOK_TIMEOUT_MS = 3000;

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
