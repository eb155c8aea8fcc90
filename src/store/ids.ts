import { monotonicFactory } from "ulid";

const next = monotonicFactory();

/** A new sortable delivery id (ULID, lower-case): time-ordered, 26 characters. */
export function newDeliveryId(): string {
  return next().toLowerCase();
}

/** The short form shown in lists: the last 8 characters (the random part). */
export function shortId(id: string): string {
  return id.slice(-8);
}
