import { afterEach, describe, expect, it } from "vitest";
import { storeSource } from "../../src/tui/source.js";
import { lineText } from "../../src/ui/text.js";
import { ViewStore } from "../../src/ui/view-store.js";
import { cleanupTmp } from "../helpers/tmp.js";
import {
  closeStores,
  deliveryEvent,
  event,
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

describe("ViewStore: moving, paging, filtering, the detail pane", () => {
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
});
