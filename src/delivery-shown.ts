import { OKTA_HOOK_TIMEOUT_MS } from "./okta/hook-types.js";
import { carriesEvents, type DeliveryKind, type DeliveryRecord } from "./store/types.js";

// How a stored delivery reads in every view (deliveries, show, listen's lines, the TUI): one
// decision each, so the views never disagree on what a row means.

/**
 * What a delivery's forward field says: the forward state, `captured` for a delivery kept
 * with no target to forward it to, `never` (shown `—`) for a request that is never forwarded
 * (a verification, a 401, a 404…).
 */
export type ForwardShown = "forwarded" | "failed" | "pending" | "captured" | "never";

/** The forward field of a delivery (see ForwardShown). */
export function forwardShown(r: Pick<DeliveryRecord, "kind" | "forwardState">): ForwardShown {
  if (r.forwardState !== "none") return r.forwardState;
  return carriesEvents(r.kind) ? "captured" : "never";
}

/** Short labels of the kinds with long names, for narrow views; other kinds keep their name. */
const SHORT_KIND: Partial<Record<DeliveryKind, string>> = {
  verification: "verify",
  method_not_allowed: "405",
  not_found: "404",
  too_large: "413",
};

/** A kind in at most 8 cells (`verify`, `405`…), for a narrow terminal. */
export function shortKind(kind: DeliveryKind): string {
  return SHORT_KIND[kind] ?? kind;
}

/** The app took longer than Okta's 3 s to answer the last forward: Okta would have timed out. */
export function slowForward(r: Pick<DeliveryRecord, "forwardMs">): boolean {
  return r.forwardMs !== null && r.forwardMs > OKTA_HOOK_TIMEOUT_MS;
}

/**
 * A row okhook wrote itself (an edited replay, a backfill it sent to the app): no request
 * came in and nothing was answered, so it has no sender, status, auth or ack time to show.
 * The listener stamps every request it answers with its ack time.
 */
export function writtenByOkhook(r: Pick<DeliveryRecord, "kind" | "ackMs">): boolean {
  return (r.kind === "replay" || r.kind === "backfill") && r.ackMs === null;
}
