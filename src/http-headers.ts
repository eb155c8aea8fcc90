import type { HeaderPairs } from "./store/types.js";
import { REDACTED } from "./text/redact.js";

/**
 * The header that carries the hook secret: the configured one, or `authorization` (Okta's
 * default, and secret whatever is configured). Its value is never shown, copied or forwarded
 * as stored: the current secret is re-added instead.
 */
export function isAuthHeader(name: string, authHeader: string): boolean {
  const lower = name.toLowerCase();
  return lower === authHeader.toLowerCase() || lower === "authorization";
}

/** One stored header as a person sees it. */
export interface ShownHeader {
  name: string;
  value: string;
  /** The value is hidden: it is `[redacted]`, whatever was stored. */
  redacted: boolean;
}

/** Stored headers as `show` and the TUI list them, in order: the auth header's value hidden. */
export function shownHeaders(headers: HeaderPairs, authHeader: string): ShownHeader[] {
  return headers.map(([name, value]) =>
    isAuthHeader(name, authHeader)
      ? { name, value: REDACTED, redacted: true }
      : { name, value, redacted: false },
  );
}
