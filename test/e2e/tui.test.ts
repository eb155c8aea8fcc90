import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { shortId } from "../../src/store/ids.js";
import { cliEnv, killAll, runCli, startCli } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { alive, childrenOf, itTmux, killTmux, TmuxSession } from "../helpers/tmux.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  killTmux();
  await killAll();
  await closeTargets();
  cleanupTmp();
});

/** A new user's first session: see the URL, watch a delivery arrive, inspect, replay, quit. */
async function firstSession(columns: number, rows: number): Promise<void> {
  const home = tmpDir();
  const db = join(home, "okhook.db");
  const target = await startTarget("/hook", (req) => ({
    status: req.headers["x-okhook-replay"] === "true" ? 202 : 200,
  }));
  const tmux = new TmuxSession(home);
  tmux.start(
    ["listen", "--tunnel", "none", "--port", "0", "--db", db, "--forward-to", target.url],
    { columns, rows, env: cliEnv(home, { OKHOOK_SECRET: "hunter2-hunter2-secret" }) },
  );
  const screen = await tmux.see(/Hook URL {2}(http:\/\/127\.0\.0\.1:\d+\/okta\/events)/);
  const hookUrl = /Hook URL {2}(http:\/\/127\.0\.0\.1:\d+\/okta\/events)/.exec(screen)![1]!;
  expect(screen).toContain("authorization: h…t");
  expect(screen).not.toContain("hunter2-hunter2-secret");
  expect(screen).toContain("q quit");
  const pid = tmux.okhookPid();
  expect(alive(pid)).toBe(true);

  const { body } = twoEventDelivery();
  const res = await post(hookUrl, body, { authorization: "hunter2-hunter2-secret" });
  expect(res.status).toBe(200);
  const [row] = query<{ id: string }>(db, "SELECT id FROM deliveries");
  const id = shortId(row!.id);
  await tmux.see((s) => s.includes(id) && s.includes("✓ 200"));
  expect(tmux.selectedLine()).toContain(id);
  expect(tmux.selectedLine()).toContain("user.lifecycle.create");

  tmux.keys("Enter");
  await tmux.see("[Events]");
  await tmux.see("#2 group.user_membership.add");
  tmux.keys("Tab");
  await tmux.see("[Body]");
  await tmux.see('"eventType": "com.okta.event_hook"');
  tmux.keys("Tab");
  await tmux.see("[Headers]");
  await tmux.see("authorization: [redacted]");

  tmux.keys("r");
  await tmux.see("[Attempts (2)]");
  await tmux.see("↻ replay  #2 202");
  await waitFor(() => target.posts().length === 2);
  expect(target.posts()[1]!.headers).toMatchObject({
    "x-okhook-replay": "true",
    "x-okhook-replay-of": row!.id,
    authorization: "hunter2-hunter2-secret",
  });
  expect(query(db, "SELECT kind, status FROM attempts ORDER BY id")).toEqual([
    { kind: "forward", status: 200 },
    { kind: "replay", status: 202 },
  ]);

  const children = childrenOf(pid);
  tmux.keys("q");
  await tmux.see("[okhook exited 0]");
  await waitFor(() => !alive(pid));
  for (const child of children) expect(alive(child)).toBe(false);
  expect(tmux.screen()).toContain(`okhook: stopped. Deliveries are stored in ${db}`);
}

describe("okhook listen in a real terminal (tmux)", () => {
  itTmux(
    "120×40: paste URL, delivery arrives, detail tabs, replay shows the attempt, q exits 0",
    async () => {
      await firstSession(120, 40);
    },
  );

  itTmux("80×24: the same session on the smallest supported terminal", async () => {
    await firstSession(80, 24);
  });

  it("listen --output interactive without a terminal falls back to compact lines", async () => {
    const home = tmpDir();
    const p = startCli(
      [
        "listen",
        "--tunnel",
        "none",
        "--port",
        "0",
        "--output",
        "interactive",
        "--db",
        join(home, "a.db"),
      ],
      cliEnv(home),
    );
    await p.waitOut(/Waiting for deliveries/);
    expect(await p.stop("SIGINT")).toBe(0);
    expect(p.stdout()).not.toContain("\u001b[?1049h");
  });

  it("okhook ui outside a terminal exits 2 with one line saying it needs one", async () => {
    const home = tmpDir();
    const r = await runCli(["ui", "--db", join(home, "none.db")], cliEnv(home));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("needs a terminal");
  });
});
