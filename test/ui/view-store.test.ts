import { afterEach, describe, expect, it } from "vitest";
import type { SessionEvent } from "../../src/events.js";
import { storeSource } from "../../src/tui/source.js";
import { lineText } from "../../src/ui/text.js";
import type { ListenerStatus } from "../../src/ui/types.js";
import { ViewStore } from "../../src/ui/view-store.js";
import { cleanupTmp } from "../helpers/tmp.js";
import {
  closeStores,
  delivery,
  event,
  header,
  ManualClock,
  seed,
  summary,
  tempStore,
  viewOver,
} from "../helpers/ui.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

const small = { window: { pageSize: 20, cap: 60 } };
const deliveryEvent = (seq: number): SessionEvent => ({
  type: "delivery",
  delivery: summary({ seq, id: "x", receivedAt: 0 }),
});

describe("ViewStore", () => {
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

  it("moving pauses following: new rows go above the view and are counted, the selection stays", () => {
    const store = tempStore();
    seed(store, 30);
    const { view, clock } = viewOver(store, small);
    view.setViewport(10, 5);
    view.move(2);
    expect(view.getSnapshot().follow).toBe(false);
    const selected = view.selected()!.seq;
    const added = seed(store, 4);
    for (const d of added) view.apply(deliveryEvent(d.seq));
    clock.advance(50);
    const s = view.getSnapshot();
    expect(view.selected()!.seq).toBe(selected);
    expect(s.unseen).toBe(4);
    expect(s.rows[0]!.seq).toBe(34);
    view.top();
    expect(view.getSnapshot()).toMatchObject({ cursor: 0, follow: true, unseen: 0 });
    expect(view.selected()!.seq).toBe(34);
  });

  it("keeps at most `cap` rows and pages by keyset past the window in both directions", () => {
    const store = tempStore();
    seed(store, 500);
    const { view } = viewOver(store, small);
    view.setViewport(10, 5);
    for (let i = 0; i < 300; i++) view.move(1);
    let s = view.getSnapshot();
    expect(view.selected()!.seq).toBe(200);
    expect(s.rows.length).toBeLessThanOrEqual(60);
    expect(s.hasNewer).toBe(true);
    for (let i = 0; i < 299; i++) view.move(-1);
    s = view.getSnapshot();
    expect(view.selected()!.seq).toBe(499);
    expect(s.rows.length).toBeLessThanOrEqual(60);
    expect(s.rows[0]!.seq).toBe(500);
  });

  it("G jumps to the oldest row and g back to the newest, loading one page each", () => {
    const store = tempStore();
    seed(store, 500);
    const { view } = viewOver(store, small);
    view.setViewport(10, 5);
    view.bottom();
    expect(view.selected()!.seq).toBe(1);
    expect(view.getSnapshot()).toMatchObject({ hasNewer: true, hasOlder: false, follow: false });
    expect(view.getSnapshot().rows).toHaveLength(20);
    view.page(-1);
    expect(view.selected()!.seq).toBe(10);
    view.top();
    expect(view.selected()!.seq).toBe(500);
    expect(view.getSnapshot().rows).toHaveLength(20);
  });

  it("PgDn moves by the visible height minus one", () => {
    const store = tempStore();
    seed(store, 50);
    const { view } = viewOver(store, small);
    view.setViewport(10, 5);
    view.page(1);
    expect(view.getSnapshot().cursor).toBe(9);
    expect(view.selected()!.seq).toBe(41);
  });

  it("filters by event type glob, forward state, kind, status and text via the / prompt", () => {
    const store = tempStore();
    seed(store, 40, (i) =>
      i % 4 === 0
        ? { events: [event("group.user_membership.add")], forwardState: "failed" }
        : i % 4 === 1
          ? { kind: "rejected", status: 401, auth: "wrong", events: [] }
          : { events: [event("user.lifecycle.create")] },
    );
    const { view } = viewOver(store, small);
    const apply = (text: string) => {
      view.openFilter();
      view.editPrompt(text);
      view.applyFilter();
      return view.getSnapshot();
    };
    let s = apply("group.*");
    expect(s.filter).toBe("group.*");
    expect(s.rows).toHaveLength(10);
    expect(s.rows.every((r) => r.firstEventType === "group.user_membership.add")).toBe(true);
    expect(apply("failed").rows).toHaveLength(10);
    expect(apply("rejected").rows.every((r) => r.kind === "rejected")).toBe(true);
    expect(apply("401").rows).toHaveLength(10);
    s = apply("user.lifecycle");
    expect(s.rows).toHaveLength(20);
    expect(apply(s.rows[3]!.id.slice(-8)).rows).toHaveLength(1);
    expect(apply("nothing-matches-this").rows).toHaveLength(0);
    view.escape();
    expect(view.getSnapshot()).toMatchObject({ filter: "" });
    expect(view.getSnapshot().rows).toHaveLength(20);
  });

  it("scans a rare filter in seq chunks under a time budget, continuing between ticks", () => {
    const store = tempStore();
    seed(store, 300, (i) =>
      i === 10 || i === 250 ? { events: [event("user.account.lock")] } : {},
    );
    let now = 0;
    // every chunk "takes" 30 ms: the 40 ms budget allows two chunks per tick
    const source = storeSource(store, { countersSinceSeq: 0 });
    const slow = {
      ...source,
      page: (q: Parameters<typeof source.page>[0]) => {
        now += 30;
        return source.page(q);
      },
    };
    const clock = new ManualClock();
    const view = new ViewStore({
      source: slow,
      header: header(),
      clock,
      window: { pageSize: 20, chunkSeqs: 25, budgetMs: 40, now: () => now },
    });
    view.openFilter();
    view.editPrompt("user.account.lock");
    view.applyFilter();
    let s = view.getSnapshot();
    expect(s.scanning).not.toBeNull();
    expect(s.rows.map((r) => r.seq)).toEqual([251]);
    clock.advance(0);
    for (let i = 0; i < 20 && view.getSnapshot().scanning !== null; i++) clock.advance(0);
    s = view.getSnapshot();
    expect(s.scanning).toBeNull();
    expect(s.rows.map((r) => r.seq)).toEqual([251, 11]);
    expect(s.hasOlder).toBe(false);
  });

  it("Esc closes, in order: overlay, prompt, detail pane, then the filter", () => {
    const store = tempStore();
    seed(store, 3);
    const { view } = viewOver(store);
    view.openFilter();
    view.editPrompt("user.*");
    view.applyFilter();
    view.toggleDetail();
    view.openFilter();
    view.toggleHelp();
    view.escape();
    expect(view.getSnapshot()).toMatchObject({ overlay: null, detailOpen: true });
    expect(view.getSnapshot().prompt).not.toBeNull();
    view.escape();
    expect(view.getSnapshot().prompt).toBeNull();
    view.escape();
    expect(view.getSnapshot().detailOpen).toBe(false);
    view.escape();
    expect(view.getSnapshot().filter).toBe("");
  });

  it("loads the detail lazily for the selected row, tabs through it and clamps scrolling", () => {
    const store = tempStore();
    seed(store, 2, () => ({ events: [event("user.lifecycle.create", "uuid-1")] }));
    const { view } = viewOver(store);
    expect(view.getSnapshot().detail).toBeNull();
    view.toggleDetail();
    let s = view.getSnapshot();
    expect(s.detail?.delivery.seq).toBe(2);
    expect(s.lines.map(lineText).join("\n")).toContain("user.lifecycle.create");
    view.nextTab();
    s = view.getSnapshot();
    expect(s.tab).toBe("body");
    expect(s.lines.map(lineText).join("\n")).toContain('"eventType": "com.okta.event_hook"');
    view.setViewport(5, 3);
    view.scrollDetail(100);
    expect(view.getSnapshot().detailScroll).toBe(s.lines.length - 3);
    view.nextTab();
    expect(view.getSnapshot().lines.map(lineText)).toContain("authorization: [redacted]");
    view.move(1);
    expect(view.getSnapshot().detail?.delivery.seq).toBe(1);
  });

  it("after a replay marks the row, opens the Attempts tab and reports the result", () => {
    const store = tempStore();
    const [d] = seed(store, 1);
    const { view } = viewOver(store);
    store.attempts.add({
      deliverySeq: d!.seq,
      kind: "replay",
      target: "http://127.0.0.1:3000/hook",
      attempt: 1,
      startedAt: Date.now(),
      durationMs: 12,
      status: 202,
      error: null,
      slow: false,
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
