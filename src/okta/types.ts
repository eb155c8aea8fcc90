/**
 * Shapes of what Okta sends and accepts. Every LogEvent field is optional and may be null
 * (okta-reference §3): real payloads break the spec's non-nullable claims.
 */

/** An actor or target of a System Log event. */
export interface LogEntity {
  id?: string | null;
  type?: string | null;
  alternateId?: string | null;
  displayName?: string | null;
  detailEntry?: Record<string, unknown> | null;
  changeDetails?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/** One System Log event, as `/api/v1/logs` and hook deliveries carry it. */
export interface LogEvent {
  uuid?: string | null;
  published?: string | null;
  eventType?: string | null;
  version?: string | number | null;
  severity?: string | null;
  legacyEventType?: string | null;
  displayMessage?: string | null;
  actor?: LogEntity | null;
  client?: Record<string, unknown> | null;
  outcome?: { result?: string | null; reason?: string | null; [key: string]: unknown } | null;
  target?: LogEntity[] | null;
  transaction?: Record<string, unknown> | null;
  debugContext?: { debugData?: Record<string, unknown> | null; [key: string]: unknown } | null;
  [key: string]: unknown;
}

/**
 * A LogEvent whose uuid, published and eventType are strings: one that passed the schema
 * check (a fixture, a user's file). Okta itself guarantees none of the three.
 */
export type CheckedLogEvent = LogEvent & { uuid: string; published: string; eventType: string };

/** A `{key, value}` header of an event hook channel. */
export interface EventHookHeader {
  key: string;
  value: string;
}

/** The writable part of an event hook (create body, PUT full replace). */
export interface EventHookInput {
  name: string;
  description?: string | null;
  events: {
    type: "EVENT_TYPE";
    items: string[];
    filter?: Record<string, unknown> | null;
  };
  channel: {
    type: "HTTP";
    version: "1.0.0";
    config: {
      uri: string;
      headers?: EventHookHeader[] | null;
      authScheme?: { type: "HEADER"; key: string; value: string } | null;
    };
  };
}

/** An event hook as Okta returns it (`authScheme.value` is never returned). */
export interface EventHook {
  id: string;
  name: string;
  description?: string | null;
  status: "ACTIVE" | "INACTIVE";
  verificationStatus: "VERIFIED" | "UNVERIFIED";
  created?: string;
  createdBy?: string;
  lastUpdated?: string;
  events: { type: string; items: string[]; filter?: Record<string, unknown> | null };
  channel: {
    type: string;
    version: string;
    config: {
      uri: string;
      method?: string;
      headers?: EventHookHeader[] | null;
      authScheme?: { type: string; key: string } | null;
    };
  };
  _links?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Okta's error body; every field may be missing (okta-reference §5). */
export interface OktaErrorBody {
  errorCode?: string;
  errorSummary?: string;
  errorLink?: string;
  errorId?: string;
  errorCauses?: { errorSummary?: string }[];
}
