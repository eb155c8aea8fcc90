import { afterEach, describe, expect, it } from "vitest";
import { storeSource } from "../../src/tui/source.js";
import { lineText } from "../../src/ui/text.js";
import type { ListenerStatus } from "../../src/ui/types.js";
import { ViewStore } from "../../src/ui/view-store.js";
import { seedAttempt } from "../helpers/seed-store.js";
import { cleanupTmp } from "../helpers/tmp.js";
import {
  closeStores,
  delivery,
  deliveryEvent,
  header,
  ManualClock,
  SMALL_WINDOW,
  seed,
  tempStore,
  viewOver,
} from "../helpers/ui.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

const small = SMALL_WINDOW;

describe("ViewStore: live rows, polling, replays, header", () => {
  it("hydrates the newest page only, cursor on the newest row, following", () => {
    const store = tempStore();
    seed(store, 100);
    const { view } = viewOver(store, small);
    const s = view.getSnapshot();
    expect(s.rows).toHaveLength(20);
    expect(s.rows[0]!.seq).toBe(100);
    expect(s.rows[19]!.seq).toBe(81);
    expect(s.cursor).toBe(0);
    expect(s.follow).toBe(true);
    expect(s.hasOlder).toBe(true);
    expect(s.hasNewer).toBe(false);
    expect(s.total).toBe(100);
    expect(s.counters?.received).toBe(100);
  });

  it("coalesces session events within the batch window into one update", () => {
    const store = tempStore();
    seed(store, 5);
    const { view, clock } = viewOver(store, { batchMs: 50, countersEveryMs: 0 });
    let notified = 0;
    view.subscribe(() => notified++);
    const added = seed(store, 3);
    for (const d of added) view.apply(deliveryEvent(d.seq));
    clock.advance(49);
    expect(notified).toBe(0);
    expect(view.getSnapshot().rows[0]!.seq).toBe(5);
    clock.advance(1);
    expect(notified).toBe(1);
    const s = view.getSnapshot();
    expect(s.rows.slice(0, 4).map((r) => r.seq)).toEqual([8, 7, 6, 5]);
    expect(s.cursor).toBe(0);
    expect(s.counters?.received).toBe(8);
  });

  it("re-reads counters at most once per interval, catching up after it", () => {
    const store = tempStore();
    seed(store, 1);
    const { view, clock } = viewOver(store, { batchMs: 50, countersEveryMs: 1000 });
    for (const d of seed(store, 2)) view.apply(deliveryEvent(d.seq));
    clock.advance(50);
    expect(view.getSnapshot().rows).toHaveLength(3);
    expect(view.getSnapshot().counters?.received).toBe(1);
    clock.advance(950);
    expect(view.getSnapshot().counters?.received).toBe(3);
  });

  it("a forward outcome refreshes that row (SQLite is the truth, the event only notifies)", () => {
    const store = tempStore();
    const [d] = seed(store, 1, () => ({ forwardState: "pending" }));
    const { view, clock } = viewOver(store);
    store.deliveries.setForward(d!.seq, { state: "failed", status: 502, ms: 3400 });
    view.apply({
      type: "forward",
      outcome: {
        seq: d!.seq,
        deliveryId: d!.id,
        target: "http://127.0.0.1:1/",
        attempt: 1,
        status: 502,
        error: null,
        durationMs: 3400,
        slow: true,
        next: "failed",
      },
    });
    clock.advance(50);
    expect(view.getSnapshot().rows[0]).toMatchObject({
      forwardState: "failed",
      forwardStatus: 502,
    });
  });

  it("after a replay marks the row, opens the Attempts tab and reports the result", () => {
    const store = tempStore();
    const [d] = seed(store, 1);
    const { view } = viewOver(store);
    seedAttempt(store, d!.seq, {
      kind: "replay",
      target: "http://127.0.0.1:3000/hook",
      durationMs: 12,
      status: 202,
    });
    view.replayed(d!.seq, {
      ok: true,
      target: "http://127.0.0.1:3000/hook",
      status: 202,
      error: null,
      durationMs: 12,
      attempt: 1,
    });
    const s = view.getSnapshot();
    expect(s.replayed.has(d!.seq)).toBe(true);
    expect(s).toMatchObject({ detailOpen: true, tab: "attempts" });
    expect(lineText(s.lines[0]!)).toContain("↻ replay");
    expect(s.flash?.text).toContain("202");
  });

  it("okhook ui mode polls for rows another process wrote", () => {
    const file = `${tempStore().db.name}`;
    const writer = tempStore(file);
    const reader = tempStore(file);
    seed(writer, 2);
    const { view, clock } = viewOver(reader);
    view.startPolling(500);
    seed(writer, 3);
    clock.advance(499);
    expect(view.getSnapshot().rows).toHaveLength(2);
    clock.advance(1);
    expect(view.getSnapshot().rows.map((r) => r.seq)).toEqual([5, 4, 3, 2, 1]);
    writer.deliveries.setForward(5, { state: "forwarded", status: 200, ms: 5 });
    clock.advance(500);
    expect(view.getSnapshot().rows[0]!.forwardState).toBe("forwarded");
  });

  it("listen mode polls too: rows another process wrote show with no session event", () => {
    const file = `${tempStore().db.name}`;
    const writer = tempStore(file);
    const { view, clock } = viewOver(tempStore(file));
    view.startPolling(500);
    seed(writer, 2);
    clock.advance(500);
    expect(view.getSnapshot().rows.map((r) => r.seq)).toEqual([2, 1]);
    clock.advance(500); // counters: at most once a second
    expect(view.getSnapshot().counters?.received).toBe(2);
  });

  it("listen mode's counters follow a row another process changed (replay --failed elsewhere)", () => {
    const file = `${tempStore().db.name}`;
    const writer = tempStore(file);
    seed(writer, 2);
    writer.deliveries.setForward(2, { state: "failed", status: 500, ms: 5 });
    const { view, clock } = viewOver(tempStore(file));
    view.startPolling(500);
    clock.advance(1000);
    expect(view.getSnapshot().counters?.failed).toBe(1);
    writer.deliveries.setForward(2, { state: "forwarded", status: 200, ms: 5 });
    clock.advance(1000); // the poll sees the row; counters at most once a second
    expect(view.getSnapshot().counters).toMatchObject({ failed: 0, forwarded: 1 });
  });

  it("listen mode's poll re-reads the open detail (body and all) only when its row changed", () => {
    const file = `${tempStore().db.name}`;
    const writer = tempStore(file);
    seed(writer, 3);
    const base = storeSource(tempStore(file), { countersSinceSeq: 0 });
    let reads = 0;
    const detail = (seq: number) => {
      reads++;
      return base.detail(seq);
    };
    const source = { ...base, detail };
    const { view, clock } = viewOver(writer, { source });
    view.openDetail();
    view.startPolling(500);
    const opened = reads;
    clock.advance(1500);
    expect(reads).toBe(opened);
    writer.deliveries.setForward(3, { state: "forwarded", status: 200, ms: 5 });
    clock.advance(500);
    expect(reads).toBe(opened + 1);
    expect(view.getSnapshot().detail?.delivery.forwardState).toBe("forwarded");
  });

  it("okhook ui mode follows the listener's status on each poll", () => {
    const store = tempStore();
    let listener: ListenerStatus = { running: false, lastUrl: "http://127.0.0.1:1/okta/events" };
    const source = { ...storeSource(store, { countersSinceSeq: 0 }), listener: () => listener };
    const clock = new ManualClock();
    const view = new ViewStore({ source, header: header({ mode: "ui", listener }), clock });
    view.startPolling(500);
    listener = { running: true, pid: 7, url: "http://127.0.0.1:2/okta/events" };
    clock.advance(500);
    expect(view.getSnapshot().header.listener).toEqual(listener);
  });

  it("header events update the header and show a status message", () => {
    const store = tempStore();
    const { view, clock } = viewOver(store, {
      header: header({
        tunnel: { state: "starting" },
        targets: [{ receives: null, target: "http://127.0.0.1:3000/", health: "unknown" }],
      }),
    });
    view.apply({
      type: "tunnel",
      state: "ready",
      publicUrl: "https://a-b.trycloudflare.com",
      hookUrl: "https://a-b.trycloudflare.com/okta/events",
    });
    view.apply({
      type: "target",
      target: "http://127.0.0.1:3000/",
      health: "down",
      reason: "refused",
    });
    clock.advance(50);
    const s = view.getSnapshot();
    expect(s.header.publicHookUrl).toBe("https://a-b.trycloudflare.com/okta/events");
    expect(s.header.targets[0]).toMatchObject({ health: "down", reason: "refused" });
    expect(s.flash?.text).toContain("down");
    clock.advance(10_000);
    expect(view.getSnapshot().flash).toBeNull();
  });

  it("stops all timers on dispose", () => {
    const store = tempStore();
    store.deliveries.insert([delivery()]);
    const { view, clock } = viewOver(store);
    view.startPolling();
    view.apply(deliveryEvent(1));
    view.flash("hello");
    view.dispose();
    expect(clock.pending()).toBe(0);
  });
});
