import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { shortId } from "../../src/store/ids.js";
import { cliEnv } from "../helpers/cli.js";
import { generateDeliveries, generatedId } from "../helpers/million.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { describeTmux, killTmux, TmuxSession } from "../helpers/tmux.js";

const ROWS = 1_000_000;
let home = "";
let db = "";

describeTmux("okhook ui on a database of a million deliveries (tmux)", () => {
  beforeAll(() => {
    home = tmpDir("okhook-million-");
    db = join(home, "million.db");
    generateDeliveries(db, ROWS);
  }, 60_000);
  afterEach(() => killTmux());
  afterAll(() => cleanupTmp());

  it("shows the newest rows at once and answers G and g with the right rows", async () => {
    const tmux = new TmuxSession(home);
    tmux.start(["ui", "--db", db], { columns: 120, rows: 40, env: cliEnv(home) });
    const newest = shortId(generatedId(ROWS));
    const oldest = shortId(generatedId(1));
    await tmux.see("1 of 1,000,000");
    expect(tmux.selectedLine()).toContain(newest);
    expect(tmux.screen()).toContain(shortId(generatedId(ROWS - 1)));

    tmux.keys("G");
    await tmux.see("1,000,000 of 1,000,000");
    expect(tmux.selectedLine()).toContain(oldest);
    expect(tmux.screen()).toContain(shortId(generatedId(2)));

    tmux.keys("g");
    await tmux.see("1 of 1,000,000");
    expect(tmux.selectedLine()).toContain(newest);

    tmux.keys("j", "j");
    await tmux.see("3 of 1,000,000");
    expect(tmux.selectedLine()).toContain(shortId(generatedId(ROWS - 2)));
    tmux.keys("q");
    await tmux.see("[okhook exited 0]");
  });
});
