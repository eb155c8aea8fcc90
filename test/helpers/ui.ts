import { render } from "ink-testing-library";
import { createElement, type ReactElement } from "react";
import type { DeliverySummary, SessionEvent } from "../../src/events.js";
import { newDeliveryId } from "../../src/store/ids.js";
import type { Store } from "../../src/store/store.js";
import type {
  DeliveryRow,
  NewDelivery,
  ParsedEvent,
  StoredDelivery,
} from "../../src/store/types.js";
import { storeSource } from "../../src/tui/source.js";
import { App } from "../../src/ui/App.js";
import type { UiClock } from "../../src/ui/clock.js";
import type { CurlView, HeaderInfo, ReplayOutcome, UiActions } from "../../src/ui/types.js";
import type { TerminalSize } from "../../src/ui/use-terminal-size.js";
import { ViewStore, type ViewStoreOptions } from "../../src/ui/view-store.js";
import { closeStores, tempStore as openTempStore } from "./seed-store.js";
import { waitFor } from "./wait.js";

/** A clock tests move by hand: timers fire only inside `advance`. */
export class ManualClock implements UiClock {
  t = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Move time forward, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
  }

  pending(): number {
    return this.timers.size;
  }
}

/** A real store on a temp SQLite file (closed by `closeStores`); see seed-store's tempStore. */
export function tempStore(file?: string): Store {
  return openTempStore(file).store;
}

export { closeStores };

/** One parsed event. */
export function event(eventType: string, uuid: string | null = null): ParsedEvent {
  return {
    uuid,
    eventType,
    published: "2026-11-20T14:02:11.482Z",
    displayMessage: `Test ${eventType}`,
    actor: "dana@example.com",
    outcome: "SUCCESS",
    targets: "sam@example.com",
  };
}

let clockMs = Date.UTC(2026, 10, 20, 14, 0, 0);

/** A stored-delivery record with sensible defaults. */
export function delivery(over: Partial<NewDelivery> = {}): NewDelivery {
  clockMs += 1000;
  const events = over.events ?? [event("user.lifecycle.create")];
  const body = Buffer.from(
    JSON.stringify({ eventType: "com.okta.event_hook", data: { events: [{ n: 1 }] } }),
  );
  return {
    id: newDeliveryId(),
    receivedAt: clockMs,
    method: "POST",
    path: "/okta/events",
    remoteAddr: "127.0.0.1",
    headers: [
      ["content-type", "application/json"],
      ["authorization", "[redacted]"],
      ["user-agent", "Okta Hook Service v1.0.0"],
    ],
    body,
    size: body.length,
    kind: "delivery",
    status: 200,
    auth: "ok",
    events,
    forwardState: "none",
    ...over,
  };
}

/** Insert `n` deliveries (oldest first); `make(i)` customises the i-th. */
export function seed(
  store: Store,
  n: number,
  make: (i: number) => Partial<NewDelivery> = () => ({}),
): StoredDelivery[] {
  return store.deliveries.insert(Array.from({ length: n }, (_, i) => delivery(make(i))));
}

/** Header info for tests. */
export function header(over: Partial<HeaderInfo> = {}): HeaderInfo {
  return {
    mode: "listen",
    version: "0.1.0",
    db: "/tmp/okhook.db",
    localUrl: "http://127.0.0.1:8787",
    localHookUrl: "http://127.0.0.1:8787/okta/events",
    authHeader: "authorization",
    secretLabel: "hunt…2222",
    tunnel: { state: "off" },
    targets: [],
    countersScope: "session",
    ...over,
  };
}

/** A view store over a real store with a manual clock. */
export function viewOver(
  store: Store,
  over: Partial<ViewStoreOptions> = {},
): { view: ViewStore; clock: ManualClock } {
  const clock = new ManualClock();
  const view = new ViewStore({
    source: storeSource(store, { countersSinceSeq: 0 }),
    header: header(),
    clock,
    ...over,
  });
  return { view, clock };
}

/** Actions that record what the UI asked for. */
export function recordingActions(
  outcome: Partial<ReplayOutcome> = {},
): UiActions & { replays: number[]; quits: number; curls: number[] } {
  const a = {
    replays: [] as number[],
    curls: [] as number[],
    quits: 0,
    replay: async (seq: number): Promise<ReplayOutcome> => {
      a.replays.push(seq);
      return {
        ok: true,
        target: "http://127.0.0.1:3000/hook",
        status: 200,
        error: null,
        durationMs: 12,
        attempt: 2,
        ...outcome,
      };
    },
    curl: (seq: number): CurlView => {
      a.curls.push(seq);
      return {
        parts: [
          `okhook show ${seq} --body |`,
          "curl -sS -X POST 'http://127.0.0.1:8787/okta/events'",
          "--data-binary @-",
        ],
        copy: { copied: true, note: "copied via OSC 52" },
      };
    },
    quit: () => {
      a.quits++;
    },
  };
  return a;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");

/** A frame as plain text (Ink may still emit bold/inverse escapes on a colour terminal). */
export function plain(frame: string | undefined): string {
  return (frame ?? "").replace(ANSI, "");
}

/** A list row without a database. */
export function row(over: Partial<DeliveryRow> = {}): DeliveryRow {
  return {
    seq: 1,
    id: `01jx${"0".repeat(14)}7f3k2q9a`,
    receivedAt: Date.UTC(2026, 10, 20, 14, 2, 11, 482),
    method: "POST",
    path: "/okta/events",
    remoteAddr: "127.0.0.1",
    headers: [],
    size: 10,
    kind: "delivery",
    status: 200,
    ackMs: 1,
    auth: "ok",
    eventCount: 2,
    duplicateCount: 0,
    firstEventType: "group.user_membership.add",
    envelopeEventId: null,
    reason: null,
    forwardState: "forwarded",
    forwardStatus: 200,
    forwardMs: 12,
    forwardError: null,
    replayOf: null,
    ...over,
  };
}

/** A delivery as a session event carries it (listen's renderers, the view store's live rows). */
export function summary(over: Partial<DeliverySummary> = {}): DeliverySummary {
  return {
    seq: 1,
    id: `01jx${"0".repeat(14)}7f3k2q9a`,
    receivedAt: Date.UTC(2026, 10, 20, 14, 2, 11, 482),
    method: "POST",
    path: "/okta/events",
    kind: "delivery",
    status: 200,
    auth: "ok",
    eventCount: 1,
    firstEventType: "user.lifecycle.create",
    duplicateCount: 0,
    size: 10,
    ackMs: 1,
    reason: null,
    forwardState: "none",
    ...over,
  };
}

/** A list row for a request that carried no events and is never forwarded (401, 404, 405…). */
export function requestRow(over: Partial<DeliveryRow> = {}): DeliveryRow {
  return row({
    eventCount: 0,
    firstEventType: null,
    forwardState: "none",
    forwardStatus: null,
    ...over,
  });
}

const mounted: { unmount: () => void }[] = [];

/** Render an Ink element, unmounted by `unmountAll` (afterEach). */
export function mount(el: ReactElement): ReturnType<typeof render> {
  const r = render(el);
  mounted.push(r);
  return r;
}

/** Unmount everything `mount` and `mountApp` rendered. */
export function unmountAll(): void {
  for (const m of mounted.splice(0)) m.unmount();
}

/** The whole UI over `view`, colours off: its screen as text, a wait for text on it, keys. */
export function mountApp(view: ViewStore, actions: UiActions, size?: TerminalSize) {
  const r = mount(createElement(App, { store: view, actions, color: false, size }));
  const screen = () => plain(r.lastFrame());
  const see = (text: string) =>
    waitFor(() => screen().includes(text), { timeoutMs: 3000, what: `"${text}" on screen` });
  return { r, screen, see, press: (k: string) => r.stdin.write(k) };
}

/** A small row window (20 a page, 60 kept), so paging shows with a few dozen rows. */
export const SMALL_WINDOW = { window: { pageSize: 20, cap: 60 } };

/** The session event of a new delivery `seq`. */
export function deliveryEvent(seq: number): SessionEvent {
  return { type: "delivery", delivery: summary({ seq, id: "x", receivedAt: 0 }) };
}
