// Turning a stored or fixture inline request into the one Okta would send now: fresh
// eventId and eventTime, `--set` edits, and the headers Okta puts on an inline hook call.
import { randomBytes } from "node:crypto";
import { deliveryHeaders, type HookAuth } from "../okta/delivery.js";
import { type Edit, setPath } from "../payload/edit.js";
import { refillTemplate } from "./secrets.js";

/** How a request is made ready to send. */
export interface PrepareOptions {
  /** Keep eventId and eventTime as they are. */
  keepIds?: boolean;
  edits?: readonly Edit[];
  /** Epoch ms; default Date.now. */
  clock?: () => number;
}

/** A copy of the request with fresh ids (unless keepIds) and the edits applied. */
export function prepareInlineRequest(
  request: Record<string, unknown>,
  options: PrepareOptions = {},
): { request: Record<string, unknown>; templateRefilled: number } {
  const copy = structuredClone(request);
  delete copy._meta;
  if (!options.keepIds) {
    // Okta's eventId is ~22 base64url characters (§2.1), unique per call.
    copy.eventId = randomBytes(16).toString("base64url").slice(0, 22);
    copy.eventTime = new Date((options.clock ?? Date.now)()).toISOString();
  }
  for (const edit of options.edits ?? []) {
    const last = edit.path.at(-1);
    // `--set …otpCode=123456` parses as a number; Okta sends codes and passwords as strings.
    const secret = last?.kind === "key" && (last.key === "otpCode" || last.key === "password");
    const value = secret && typeof edit.value !== "string" ? String(edit.value) : edit.value;
    setPath(copy, edit.path, value, edit.raw);
  }
  const otpEdited = (options.edits ?? []).some((e) =>
    e.raw.startsWith("data.messageProfile.otpCode="),
  );
  return { request: copy, templateRefilled: otpEdited ? refillTemplate(copy) : 0 };
}

/**
 * Headers of an inline hook call: Accept and Content-Type application/json and the
 * configured auth header — all CON "HTTP header" and REF-API document. The User-Agent and
 * X-Okta-Request-Id of event hook calls are not documented for inline hooks (§2.1), so
 * okhook doesn't invent them.
 */
export function inlineHeaders(auth: HookAuth = {}): Record<string, string> {
  const headers = deliveryHeaders(auth);
  delete headers["user-agent"];
  delete headers["x-okta-request-id"];
  return headers;
}
