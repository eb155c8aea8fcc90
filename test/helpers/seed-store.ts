import { join } from "node:path";
import { userError } from "../../src/commands/store-words.js";
import { openDb } from "../../src/store/db.js";
import { newDeliveryId } from "../../src/store/ids.js";
import { Store } from "../../src/store/store.js";
import type {
  AuthState,
  DeliveryKind,
  NewAttempt,
  NewDelivery,
  ParsedEvent,
} from "../../src/store/types.js";
import { tmpDir } from "./tmp.js";

const open: Store[] = [];

/**
 * A Store on a database file in a temp dir (closed by closeStores): a fresh one, or another
 * connection to `file` (as a second process would open it). The one temp store of the tests.
 */
export function tempStore(file = join(tmpDir(), "okhook.db")): { store: Store; file: string } {
  const store = new Store(openDb(file));
  open.push(store);
  return { store, file };
}

/** Close every store opened by tempStore. */
export function closeStores(): void {
  for (const s of open.splice(0)) s.close();
}

/** An event as the listener indexes it. */
export function parsedEvent(
  uuid: string,
  published: number | string,
  eventType = "user.lifecycle.create",
): ParsedEvent {
  return {
    uuid,
    eventType,
    published: typeof published === "number" ? new Date(published).toISOString() : published,
    displayMessage: `stored ${uuid}`,
    actor: null,
    outcome: "SUCCESS",
    targets: null,
  };
}

/** Store one request carrying `events`, as the listener (or replay/backfill) would. */
export function seedDelivery(
  store: Store,
  events: ParsedEvent[],
  opts: { kind?: DeliveryKind; status?: number; receivedAt?: number; auth?: AuthState } = {},
): { seq: number; id: string } {
  const record: NewDelivery = {
    id: newDeliveryId(),
    receivedAt: opts.receivedAt ?? Date.now(),
    method: "POST",
    path: "/okta/events",
    remoteAddr: "127.0.0.1",
    headers: [["content-type", "application/json"]],
    body: Buffer.from("{}"),
    size: 2,
    kind: opts.kind ?? "delivery",
    status: opts.status ?? 200,
    auth: opts.auth ?? "none",
    events,
    forwardState: "none",
  };
  const [stored] = store.deliveries.insert([record]);
  return { seq: stored!.seq, id: stored!.id };
}

/** Record a forward attempt of delivery `deliverySeq`: attempt 1, now, 200 in 1 ms, unless `over` says. */
export function seedAttempt(
  store: Store,
  deliverySeq: number,
  over: Partial<NewAttempt> = {},
): number {
  return store.attempts.add({
    deliverySeq,
    kind: "forward",
    target: "http://127.0.0.1:3000/",
    attempt: 1,
    startedAt: Date.now(),
    durationMs: 1,
    status: 200,
    error: null,
    slow: false,
    ...over,
  });
}

/** Run a store call and rethrow its error as a command says it to the user (the CLI's words). */
export function asUser<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw userError(err);
  }
}
