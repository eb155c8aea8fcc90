import { randomBytes, randomUUID } from "node:crypto";
import { UsageError } from "../errors.js";

/** User-Agent of Okta's delivery POSTs (the captured value is cut after this prefix). */
export const OKTA_DELIVERY_USER_AGENT = "Okta Hook Service v1.0.0";
/** User-Agent of Okta's one-time verification GET. */
export const OKTA_VERIFICATION_USER_AGENT = "Okta-Integrations";
/** Header carrying the verification challenge on the GET. */
export const VERIFICATION_CHALLENGE_HEADER = "x-okta-verification-challenge";
/** Header that carries the shared secret unless the hook says otherwise. */
export const DEFAULT_AUTH_HEADER = "authorization";

const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The shared-secret header an Okta hook is configured with. */
export interface HookAuth {
  /** The value Okta sends (never logged or echoed). */
  secret?: string;
  /** The header name; default `authorization`. */
  authHeader?: string;
}

/** An opaque 27-character id shaped like Okta's `X-Okta-Request-Id` and `transaction.id`. */
export function oktaRequestId(): string {
  return randomBytes(20).toString("base64url");
}

/** Headers exactly as Okta sends them on a delivery POST. */
export function deliveryHeaders(auth: HookAuth = {}, requestId = oktaRequestId()) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    "user-agent": OKTA_DELIVERY_USER_AGENT,
    "x-okta-request-id": requestId,
  };
  return withAuth(headers, auth);
}

/** Headers exactly as Okta sends them on the verification GET, with a random challenge. */
export function verificationHeaders(
  auth: HookAuth = {},
  challenge: string = randomUUID(),
  requestId = oktaRequestId(),
) {
  const headers: Record<string, string> = {
    [VERIFICATION_CHALLENGE_HEADER]: challenge,
    "user-agent": OKTA_VERIFICATION_USER_AGENT,
    accept: "application/json",
    "x-okta-request-id": requestId,
  };
  return withAuth(headers, auth);
}

function withAuth(headers: Record<string, string>, auth: HookAuth): Record<string, string> {
  const name = (auth.authHeader ?? DEFAULT_AUTH_HEADER).toLowerCase();
  if (!TOKEN_RE.test(name)) {
    throw new UsageError(
      `--auth-header "${auth.authHeader}": not a valid header name (try --auth-header authorization)`,
    );
  }
  if (auth.secret === undefined) return headers;
  // Never echo the value: it is the shared secret.
  if (/[\r\n\0]/.test(auth.secret)) {
    throw new UsageError("--secret: contains a line break or NUL, which no header can carry");
  }
  return { ...headers, [name]: auth.secret };
}
