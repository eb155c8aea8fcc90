import { afterEach, describe, expect, it } from "vitest";
import { shortId } from "../../src/store/ids.js";
import type { Store } from "../../src/store/store.js";
import type { TerminalSize } from "../../src/ui/use-terminal-size.js";
import { cleanupTmp } from "../helpers/tmp.js";
import {
  closeStores,
  event,
  mountApp,
  recordingActions,
  seed,
  tempStore,
  unmountAll,
  viewOver,
} from "../helpers/ui.js";
import { waitFor } from "../helpers/wait.js";

afterEach(() => {
  unmountAll();
  closeStores();
  cleanupTmp();
});

const KEYS = {
  up: "\u001B[A",
  down: "\u001B[B",
  pageUp: "\u001B[5~",
  pageDown: "\u001B[6~",
  enter: "\r",
  tab: "\t",
  backTab: "\u001B[Z",
  escape: "\u001B",
  ctrlC: "\u0003",
};

function mount(store: Store, size: TerminalSize | null = { columns: 100, rows: 30 }) {
  const { view, clock } = viewOver(store);
  const actions = recordingActions();
  const ui = mountApp(view, actions, size ?? undefined);
  const selectedLine = () =>
    ui
      .screen()
      .split("\n")
      .find((l) => l.startsWith("›")) ?? "";
  return { view, clock, actions, selectedLine, ...ui };
}

function seedMixed(store: Store, n = 60) {
  return seed(store, n, (i) => ({
    events: [event(i % 2 ? "group.user_membership.add" : "user.lifecycle.create")],
  }));
}

describe("App key map", () => {
  it("↑↓ j k move the selection and pause following; g and G jump to the ends", async () => {
    const store = tempStore();
    const rows = seedMixed(store);
    const ui = mount(store);
    const id = (seq: number) => shortId(rows[seq - 1]!.id);
    await ui.see("● following");
    expect(ui.selectedLine()).toContain(id(60));
    ui.press("j");
    await ui.see("‖ paused");
    expect(ui.selectedLine()).toContain(id(59));
    ui.press(KEYS.down);
    await waitFor(() => ui.selectedLine().includes(id(58)));
    ui.press("k");
    ui.press(KEYS.up);
    await waitFor(() => ui.selectedLine().includes(id(60)));
    ui.press("G");
    await waitFor(() => ui.selectedLine().includes(id(1)));
    ui.press("g");
    await waitFor(() => ui.selectedLine().includes(id(60)));
    await ui.see("● following");
    ui.press(KEYS.pageDown);
    await waitFor(() => ui.view.getSnapshot().cursor > 5);
    ui.press(KEYS.pageUp);
    await waitFor(() => ui.view.getSnapshot().cursor === 0);
  });

  it("Enter opens the detail, Tab / Shift+Tab switch tabs, Esc closes it", async () => {
    const store = tempStore();
    seedMixed(store, 3);
    const ui = mount(store);
    ui.press(KEYS.enter);
    await ui.see("[Events]");
    await ui.see("#1 user.lifecycle.create");
    ui.press(KEYS.tab);
    await ui.see("[Body]");
    await ui.see('"eventType": "com.okta.event_hook"');
    ui.press(KEYS.tab);
    await ui.see("[Headers]");
    await ui.see("authorization: [redacted]");
    ui.press(KEYS.tab);
    await ui.see("[Attempts (0)]");
    ui.press(KEYS.backTab);
    await ui.see("[Headers]");
    ui.press(KEYS.escape);
    await waitFor(() => !ui.screen().includes("[Headers]"));
  });

  it("/ filters by what is typed; Esc clears the filter", async () => {
    const store = tempStore();
    seedMixed(store, 10);
    const ui = mount(store);
    ui.press("/");
    await ui.see("Enter apply · Esc cancel");
    ui.press("group.*");
    await ui.see("/ group.*█");
    ui.press(KEYS.enter);
    await ui.see("filter group.*");
    expect(ui.screen()).not.toContain("user.lifecycle.create");
    ui.press(KEYS.escape);
    await waitFor(() => !ui.screen().includes("filter group.*"));
    await ui.see("user.lifecycle.create");
  });

  it("r replays the selected delivery through the actions and shows the outcome", async () => {
    const store = tempStore();
    const [d] = seedMixed(store, 1);
    const ui = mount(store);
    ui.press("r");
    await ui.see("replayed → http://127.0.0.1:3000/hook: 200 in 12ms (attempt 2)");
    expect(ui.actions.replays).toEqual([d!.seq]);
    await ui.see("[Attempts (0)]");
    expect(ui.selectedLine()).toContain("↻");
  });

  it("f toggles follow, c shows the curl command, ? shows help, q and Ctrl+C quit", async () => {
    const store = tempStore();
    const [d] = seedMixed(store, 1);
    const ui = mount(store);
    ui.press("f");
    await ui.see("‖ paused");
    ui.press("f");
    await ui.see("● following");
    ui.press("c");
    await ui.see(`okhook show ${d!.seq} --body | curl -sS -X POST`);
    await ui.see("✓ copied via OSC 52");
    ui.press(KEYS.escape);
    await waitFor(() => !ui.screen().includes("curl -sS"));
    ui.press("?");
    await ui.see("Keys   (Esc or ? closes)");
    ui.press("?");
    await waitFor(() => !ui.screen().includes("Keys   (Esc"));
    ui.press("q");
    await waitFor(() => ui.actions.quits === 1);
    ui.press(KEYS.ctrlC);
    await waitFor(() => ui.actions.quits === 2);
    await ui.see("Stopping");
  });

  it("fits 80×24 exactly: 23 lines, none wider than 80 columns", async () => {
    const store = tempStore();
    seedMixed(store, 40);
    const ui = mount(store, { columns: 80, rows: 24 });
    await ui.see("● following");
    for (const view of ["list", "detail"]) {
      const lines = ui.screen().split("\n");
      expect(lines, view).toHaveLength(23);
      for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
      ui.press(KEYS.enter);
      await ui.see("[Events]");
    }
  });

  it("re-lays out when the terminal is resized", async () => {
    const store = tempStore();
    seedMixed(store, 40);
    const ui = mount(store, null);
    const stdout = ui.r.stdout as unknown as {
      columns: number;
      rows: number;
      emit: (e: string) => void;
    };
    Object.defineProperty(stdout, "columns", { value: 120, configurable: true, writable: true });
    stdout.rows = 40;
    stdout.emit("resize");
    await waitFor(() => ui.screen().split("\n").length === 39);
    expect(ui.screen()).toContain("KIND");
    stdout.columns = 80;
    stdout.rows = 24;
    stdout.emit("resize");
    await waitFor(() => ui.screen().split("\n").length === 23);
    expect(ui.screen()).not.toContain("KIND");
  });
});
