import type { LogEntity, LogEvent } from "../okta/types.js";

/** The System Log event type Okta writes when a hook delivery fails (never on success). */
export const DELIVERY_FAILURE_EVENT_TYPE = "event_hook.delivery";

/** One `event_hook.delivery` LogEvent, kept as found (its shape is undocumented, §6). */
export interface DeliveryFailure {
  uuid: string | null;
  published: string | null;
  displayMessage: string | null;
  outcome: { result: string | null; reason: string | null } | null;
  target: LogEntity[];
  /** Every debugData key and value, unchanged. */
  debugData: Record<string, unknown>;
  /** Hook ids named by targets or `debugData.webhooks`. */
  hookIds: string[];
}

const HOOK_ID = /^who[A-Za-z0-9]+$/;

/**
 * Hook ids in a `debugData.webhooks` value, whatever its form: one `who…` id, a comma
 * (or space) separated string, a JSON-array string, or an array of any of these.
 */
export function parseWebhookIds(value: unknown): string[] {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const item of v) visit(item);
    } else if (typeof v === "string") {
      for (const part of v.split(/[\s,;[\]"']+/)) if (part) out.add(part);
    } else if (v && typeof v === "object" && typeof (v as { id?: unknown }).id === "string") {
      out.add((v as { id: string }).id);
    }
  };
  visit(value);
  return [...out];
}

/** Read one `event_hook.delivery` LogEvent into a DeliveryFailure. */
export function parseDeliveryFailure(event: LogEvent): DeliveryFailure {
  const debugData = isRecord(event.debugContext?.debugData)
    ? { ...event.debugContext.debugData }
    : {};
  const target = Array.isArray(event.target) ? event.target.filter(isRecord) : [];
  const hookIds = new Set<string>();
  for (const t of target) {
    const id = typeof t.id === "string" ? t.id : "";
    if (HOOK_ID.test(id) || /hook/i.test(String(t.type ?? ""))) hookIds.add(id);
  }
  for (const id of parseWebhookIds(debugData.webhooks)) hookIds.add(id);
  hookIds.delete("");
  const outcome = isRecord(event.outcome)
    ? { result: str(event.outcome.result), reason: str(event.outcome.reason) }
    : null;
  return {
    uuid: str(event.uuid),
    published: str(event.published),
    displayMessage: str(event.displayMessage),
    outcome,
    target,
    debugData,
    hookIds: [...hookIds],
  };
}

/**
 * Whether a failure concerns `hookId`: it names the hook, or names no hook at all (the
 * shape is unverified, so an unattributed failure is kept rather than hidden).
 */
export function failureConcernsHook(
  failure: DeliveryFailure,
  event: LogEvent,
  hookId: string,
): boolean {
  if (failure.hookIds.includes(hookId)) return true;
  if (JSON.stringify(event).includes(hookId)) return true;
  return failure.hookIds.length === 0;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
