import { isGlob } from "../event-type-glob.js";
import {
  DELIVERY_KINDS,
  type DeliveryKind,
  type ForwardState,
  type ListQuery,
} from "../store/types.js";

/** The filtering part of a list query (no paging). */
export type FilterQuery = Omit<ListQuery, "limit" | "beforeSeq" | "afterSeq">;

const FORWARD_WORDS: Record<string, ForwardState> = {
  forwarded: "forwarded",
  ok: "forwarded",
  failed: "failed",
  fail: "failed",
  pending: "pending",
  captured: "none",
  none: "none",
};

const KIND_WORDS: Record<string, DeliveryKind> = {
  verify: "verification",
  "404": "not_found",
  "405": "method_not_allowed",
  "413": "too_large",
};

const TYPE_CHARS = /^[a-z*][\w.*?[\]-]*$/i;

/**
 * Turn what the user typed after `/` into a list filter. Words are, in order of preference:
 * `type:<glob>`, `status:<n|word>`, `kind:<kind>`, a forward state (failed, pending, forwarded,
 * captured), a delivery kind (rejected, verification, …), a 3-digit HTTP status, an event
 * type or glob (`user.lifecycle.*`, `group.user_membership` = prefix); anything else is free
 * text matched against ids, event types, messages, actors and targets.
 */
export function parseFilter(input: string): FilterQuery {
  const q: FilterQuery = {};
  const text: string[] = [];
  for (const word of input.trim().split(/\s+/).filter(Boolean)) {
    if (!applyWord(q, word)) text.push(word);
  }
  if (text.length) q.text = text.join(" ");
  return q;
}

function applyWord(q: FilterQuery, word: string): boolean {
  const m = /^(type|status|kind):(.+)$/i.exec(word);
  if (m) {
    const [, key, value] = m as unknown as [string, string, string];
    const k = key.toLowerCase();
    if (k === "type") {
      q.eventTypeGlob = typeGlob(value);
      return true;
    }
    if (k === "status" && /^\d{3}$/.test(value)) {
      q.statuses = [...(q.statuses ?? []), Number(value)];
      return true;
    }
    return applyWord(q, value);
  }
  const lower = word.toLowerCase();
  const forward = FORWARD_WORDS[lower];
  if (forward) {
    q.forwardStates = [...(q.forwardStates ?? []), forward];
    return true;
  }
  const kind = KIND_WORDS[lower] ?? DELIVERY_KINDS.find((k) => k === lower);
  if (kind) {
    q.kinds = [...(q.kinds ?? []), kind];
    return true;
  }
  if (/^[1-5]\d\d$/.test(word)) {
    q.statuses = [...(q.statuses ?? []), Number(word)];
    return true;
  }
  if (TYPE_CHARS.test(word) && (word.includes(".") || isGlob(word))) {
    q.eventTypeGlob = typeGlob(word);
    return true;
  }
  return false;
}

/** An event type without glob characters matches itself and everything below it. */
function typeGlob(value: string): string {
  return isGlob(value) ? value : `${value}*`;
}

/** Whether a filter restricts anything. */
export function isFiltering(q: FilterQuery): boolean {
  return Object.values(q).some((v) => v !== undefined && (!Array.isArray(v) || v.length > 0));
}
