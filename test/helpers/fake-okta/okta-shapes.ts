import { randomBytes, randomUUID } from "node:crypto";
import type { LogEvent } from "../../../src/okta/types.js";

/** A reply the fake's router sends: status, JSON (or raw text) body, extra headers. */
export interface FakeReply {
  status: number;
  body?: unknown;
  /** Raw body text instead of JSON (HTML pages, cut-off JSON). */
  text?: string;
  contentType?: string;
  headers?: Record<string, string | string[]>;
}

/** Okta-style random id with a prefix (`who…`, `oae…`), 20 characters like Okta's. */
export function oktaId(prefix: string, length = 20): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(length);
  let out = prefix;
  for (let i = prefix.length; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** An Okta error reply: `{errorCode, errorSummary, errorLink, errorId, errorCauses}`. */
export function oktaError(
  status: number,
  errorCode: string,
  errorSummary: string,
  causes: string[] = [],
): FakeReply {
  return {
    status,
    body: {
      errorCode,
      errorSummary,
      errorLink: errorCode,
      errorId: oktaId("oae", 22),
      errorCauses: causes.map((c) => ({ errorSummary: c })),
    },
  };
}

/** A complete LogEvent shaped like the System Log's, filled from a partial one. */
export function makeLogEvent(partial: Partial<LogEvent>, nowMs: number): LogEvent {
  const requestId = oktaId("aQ", 27);
  return {
    uuid: randomUUID(),
    published: new Date(nowMs).toISOString(),
    eventType: "user.lifecycle.create",
    version: "0",
    severity: "INFO",
    legacyEventType: null,
    displayMessage: "Create Okta user",
    actor: {
      id: "00u5a1xk9QvT2mBcd1d7",
      type: "User",
      alternateId: "dana.admin@example.com",
      displayName: "Dana Admin",
      detailEntry: null,
    },
    client: { zone: "null", device: "Unknown", id: null, ipAddress: "203.0.113.24" },
    device: null,
    authenticationContext: { authenticationStep: 0, externalSessionId: "trs5LkQ2vX9mNc0RzT4wYp8b" },
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    debugContext: {
      debugData: { requestId, requestUri: "/api/v1/users", threatSuspected: "false" },
    },
    outcome: { result: "SUCCESS", reason: null },
    target: [],
    transaction: { type: "WEB", id: requestId, detail: {} },
    request: { ipChain: [] },
    ...partial,
  };
}
