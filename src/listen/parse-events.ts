import type { ParsedEvent } from "../store/types.js";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : null;

/** The parts of an Okta envelope okhook indexes. `null` when the body is not an Okta delivery. */
export interface ParsedEnvelope {
  eventId: string | null;
  events: ParsedEvent[];
}

/** Why a JSON body is not an Okta delivery, or the parsed envelope. */
export function parseEnvelope(json: unknown): ParsedEnvelope | { error: string } {
  if (!isObj(json)) return { error: "body is not a JSON object" };
  const data = json.data;
  if (!isObj(data) || !Array.isArray(data.events)) {
    return { error: "body has no data.events[] array (not an Okta event hook delivery)" };
  }
  return { eventId: str(json.eventId), events: data.events.map(parseEvent) };
}

/** Reduce one LogEvent to the indexed fields; every field is optional and nullable. */
export function parseEvent(e: unknown): ParsedEvent {
  if (!isObj(e)) {
    return {
      uuid: null,
      eventType: null,
      published: null,
      displayMessage: null,
      actor: null,
      outcome: null,
      targets: null,
    };
  }
  const actor = isObj(e.actor) ? (alternateId(e.actor) ?? str(e.actor.displayName)) : null;
  const outcome = isObj(e.outcome) ? str(e.outcome.result) : null;
  const targets = Array.isArray(e.target)
    ? e.target
        .filter(isObj)
        .map((t) => alternateId(t) ?? str(t.displayName) ?? str(t.id))
        .filter((t): t is string => t !== null)
        .join(", ")
        .slice(0, 200) || null
    : null;
  return {
    uuid: str(e.uuid)?.toLowerCase() ?? null,
    eventType: str(e.eventType),
    published: str(e.published),
    displayMessage: str(e.displayMessage),
    actor,
    outcome,
    targets,
  };
}

/** An actor's or target's alternateId, unless Okta's "unknown" (groups have none): its name then. */
function alternateId(o: Record<string, unknown>): string | null {
  const id = str(o.alternateId);
  return id && id !== "unknown" ? id : null;
}
