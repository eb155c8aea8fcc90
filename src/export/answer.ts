import { headerValue } from "../listen/auth.js";
import type { HeaderPairs } from "../store/types.js";
import type { ExportedDelivery } from "./record.js";

/**
 * What the listener answered a stored request, rebuilt from what is stored (okhook keeps its
 * status and reason, not the answer itself); mirrors listen/classify.ts: the verification
 * JSON, the reason as text for 400 and 413, `allow` for 405, an empty body otherwise.
 */
export function listenerAnswer(d: ExportedDelivery): { headers: HeaderPairs; body: string } {
  const json: [string, string] = ["content-type", "application/json"];
  const text: [string, string] = ["content-type", "text/plain; charset=utf-8"];
  if (d.kind === "verification") {
    const challenge = headerValue(d.headers, "x-okta-verification-challenge") ?? "";
    return { headers: [json], body: JSON.stringify({ verification: challenge }) };
  }
  if (d.kind === "method_not_allowed") return { headers: [["allow", "POST, GET"]], body: "" };
  if ((d.kind === "invalid" || d.kind === "too_large") && d.reason) {
    // a capped hostile request's reason has notes after "; " that were never sent
    return { headers: [text], body: `${d.reason.split("; ")[0]}\n` };
  }
  return { headers: [], body: "" };
}
