import { afterEach, describe, expect, it } from "vitest";
import { footerLine } from "../../src/ui/Footer.js";
import { lineText } from "../../src/ui/text.js";
import { REVEAL_MS } from "../../src/ui/view-state.js";
import { cleanupTmp } from "../helpers/tmp.js";
import {
  closeStores,
  header,
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

const SECRET = "hunter2-full-secret-value-2222";

function mount(secret: string | undefined, columns = 120) {
  const store = tempStore();
  seed(store, 2);
  const { view, clock } = viewOver(store, {
    header: header({ secretLabel: secret ? "hunt…2222" : undefined }),
  });
  const actions = { ...recordingActions(), revealSecret: () => secret };
  return { view, clock, ...mountApp(view, actions, { columns, rows: 30 }) };
}

describe("s shows the secret for a few seconds", () => {
  it("unmasks it in the header, then masks it again after the timeout", async () => {
    const ui = mount(SECRET);
    await ui.see("authorization: hunt…2222");
    expect(ui.screen()).not.toContain(SECRET);
    ui.press("s");
    await ui.see(`authorization: ${SECRET}`);
    await ui.see("secret shown for 5 s");
    // The view state says "shown", it never holds the value (nothing that logs state sees it).
    expect(JSON.stringify(ui.view.getSnapshot())).not.toContain(SECRET);
    ui.clock.advance(REVEAL_MS - 1);
    expect(ui.view.getSnapshot().secretShown).toBe(true);
    ui.clock.advance(1);
    await waitFor(() => !ui.screen().includes(SECRET), { what: "secret masked again" });
    expect(ui.screen()).toContain("authorization: hunt…2222");
  });

  it("s again hides it at once; without a secret it says so", async () => {
    const ui = mount(SECRET);
    ui.press("s");
    await ui.see(SECRET);
    ui.press("s");
    await waitFor(() => !ui.screen().includes(SECRET), { what: "hidden by the second s" });
    const none = mount(undefined);
    none.press("s");
    await none.see("no secret to show: run okhook secret to see why");
    expect(none.view.getSnapshot().secretShown).toBe(false);
  });

  it("is in the footer when it fits and there is a secret", () => {
    const text = (secret: boolean, width?: number) =>
      lineText(
        footerLine({ flash: null, busy: null, stopping: false, detailOpen: false, secret, width }),
      );
    expect(text(true, 120)).toContain("s secret");
    expect(text(false, 120)).not.toContain("s secret");
    expect(text(true, 80)).not.toContain("s secret");
    expect(text(true, 80)).toContain("q quit");
  });
});
