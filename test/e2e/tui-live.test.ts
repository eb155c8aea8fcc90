import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect } from "vitest";
import { shortId } from "../../src/store/ids.js";
import { cliHome, killAll, runCli, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { itTmux, killTmux, TmuxSession } from "../helpers/tmux.js";
import { waitFor } from "../helpers/wait.js";

const TRACE_IMPORTS = fileURLToPath(new URL("../../bench/lib/trace-imports.mjs", import.meta.url));

afterEach(async () => {
  killTmux();
  await killAll();
  await closeTargets();
  cleanupTmp();
});

/** A database that a listen stored one delivery in and then stopped: its URL stays in meta. */
async function stoppedListen(s: ReturnType<typeof cliHome>): Promise<string> {
  const l = await startListen(["--db", s.db], s.env);
  expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
  expect(await l.stop()).toBe(0);
  return l.hookUrl;
}

describe("the TUI follows what other processes do to the database", () => {
  itTmux(
    "okhook ui says whether a listener runs, and follows one starting and stopping",
    async () => {
      const s = cliHome();
      const lastUrl = await stoppedListen(s);
      const tmux = new TmuxSession(s.home);
      tmux.start(["ui", "--db", s.db], { columns: 120, rows: 30, env: s.env });
      const first = await tmux.see("no listener running");
      expect(first).toContain(`no listener running (last: ${lastUrl})`);
      expect(first).not.toContain("listening at");

      const l = await startListen(["--db", s.db], s.env);
      await tmux.see(`listening at ${l.hookUrl} (pid ${l.child.pid})`);
      expect(await l.stop()).toBe(0);
      await tmux.see(`no listener running (last: ${l.hookUrl})`);
      tmux.keys("q");
      await tmux.see("[okhook exited 0]");
    },
  );

  itTmux(
    "listen's own view shows the row `okhook replay --fresh-ids` wrote from another process, with no new delivery",
    async () => {
      const s = cliHome();
      const target = await startTarget("/hook");
      const tmux = new TmuxSession(s.home);
      tmux.start(
        ["listen", "--tunnel", "none", "--port", "0", "--db", s.db, "--forward-to", target.url],
        { columns: 120, rows: 30, env: s.env },
      );
      const screen = await tmux.see(/Hook URL {2}(http:\/\/127\.0\.0\.1:\d+\/okta\/events)/);
      const hookUrl = /Hook URL {2}(http:\/\/\S+)/.exec(screen)![1]!;
      expect((await post(hookUrl, twoEventDelivery().body)).status).toBe(200);
      const [original] = query<{ id: string }>(s.db, "SELECT id FROM deliveries");
      await tmux.see(shortId(original!.id));
      await waitFor(() => target.posts().length === 1);

      const replayed = await runCli(
        ["replay", original!.id, "--fresh-ids", "--db", s.db, "--to", target.url],
        s.env,
      );
      expect(replayed.code, replayed.stderr).toBe(0);
      const [copy] = query<{ id: string }>(
        s.db,
        "SELECT id FROM deliveries WHERE replay_of IS NOT NULL",
      );
      const line = await tmux.see(shortId(copy!.id), 5_000);
      expect(line.split("\n").find((l) => l.includes(shortId(copy!.id)))).toContain("↻");
      tmux.keys("q");
      await tmux.see("[okhook exited 0]");
    },
  );

  itTmux(
    "okhook ui marks ↻ a delivery `okhook replay` re-sent earlier, and its r sends ui's --secret",
    async () => {
      const s = cliHome();
      const target = await startTarget("/hook");
      const l = await startListen(["--db", s.db, "--forward-to", target.url], s.env);
      expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
      await waitFor(() => target.posts().length === 1);
      expect(await l.stop()).toBe(0);
      const [original] = query<{ id: string }>(s.db, "SELECT id FROM deliveries");
      // re-sent as is: an attempt on the same row, no new delivery
      const replayed = await runCli(["replay", original!.id, "--db", s.db], s.env);
      expect(replayed.code, replayed.stderr).toBe(0);
      expect(target.posts()).toHaveLength(2);

      const tmux = new TmuxSession(s.home);
      tmux.start(["ui", "--db", s.db, "--secret", "ui-given-secret-value"], {
        columns: 120,
        rows: 30,
        env: s.env,
      });
      const screen = await tmux.see(shortId(original!.id));
      const line = screen.split("\n").find((l) => l.includes(shortId(original!.id)))!;
      expect(line).toMatch(/^› ↻/);
      tmux.keys("r");
      await waitFor(() => target.posts().length === 3);
      expect(target.posts()[2]!.headers.authorization).toBe("ui-given-secret-value");
      tmux.keys("q");
      await tmux.see("[okhook exited 0]");
    },
  );

  itTmux(
    "okhook ui loads the TUI as one bundled file, not ink's ~570 modules one by one (first frame)",
    async () => {
      const s = cliHome();
      await stoppedListen(s);
      const trace = join(s.home, "imports.txt");
      const tmux = new TmuxSession(s.home);
      tmux.start(["ui", "--db", s.db], {
        columns: 120,
        rows: 30,
        env: { ...s.env, OKHOOK_BENCH_TRACE: trace },
        nodeArgs: ["--import", TRACE_IMPORTS],
      });
      await tmux.see("1 stored");
      tmux.keys("q");
      await tmux.see("[okhook exited 0]");
      const packages = [...new Set(readFileSync(trace, "utf8").split("\n"))].filter((u) =>
        u.includes("/node_modules/"),
      );
      // Each file costs a resolve, a read and a compile before the first frame; ink unbundled
      // is ~570 of them (~400 ms on this machine).
      expect(
        packages.filter((u) => /\/node_modules\/(ink|es-toolkit|react|yoga-layout)\//.test(u)),
      ).toEqual([]);
      // undici (~75 ms) is for replays: it loads with the first r, not before the first frame
      expect(packages.filter((u) => u.includes("/node_modules/undici/"))).toEqual([]);
      expect(packages.length).toBeLessThan(40);
    },
  );
});
