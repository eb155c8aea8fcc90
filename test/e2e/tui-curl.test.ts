import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect } from "vitest";
import { shortId } from "../../src/store/ids.js";
import { BIN, cliEnv, killAll, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { post, twoEventDelivery } from "../helpers/payload.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { itTmux, killTmux, shq, TmuxSession } from "../helpers/tmux.js";
import { waitFor } from "../helpers/wait.js";

const SECRET = "curl-overlay-secret-77a1";

afterEach(async () => {
  killTmux();
  await killAll();
  cleanupTmp();
});

/** A listen holding one delivery whose body is pretty-printed JSON, as Okta's samples are. */
async function prettyDelivery() {
  const home = tmpDir();
  const db = join(home, "hooks.db");
  const env = cliEnv(home);
  const l = await startListen(["--db", db, "--secret", SECRET], env);
  const body = Buffer.from(
    `${JSON.stringify(JSON.parse(twoEventDelivery().body.toString()), null, 2)}\n`,
  );
  expect(body.toString().split("\n").length).toBeGreaterThan(20);
  expect((await post(l.hookUrl, body, { authorization: SECRET })).status).toBe(200);
  const [row] = query<{ id: string }>(db, "SELECT id FROM deliveries");
  return { home, db, env, l, body, id: row!.id };
}

/** Run a pasted command in sh, with `okhook` on PATH as a user who installed it has it. */
async function runPasted(home: string, command: string, env: NodeJS.ProcessEnv) {
  const bin = join(home, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "okhook"), `#!/bin/sh\nexec ${shq(process.execPath)} ${shq(BIN)} "$@"\n`);
  chmodSync(join(bin, "okhook"), 0o755);
  return promisify(execFile)("sh", ["-c", command], {
    env: { ...env, PATH: `${bin}:${process.env.PATH}`, OKHOOK_SECRET: SECRET },
  });
}

/** The command on the overlay, its continuation lines joined back into one. */
function overlayCommand(screen: string): string {
  const lines = screen.split("\n");
  const start = lines.findIndex((l) => l.startsWith("okhook show "));
  const end = lines.findIndex((l, i) => i >= start && l.includes("--data-binary @-"));
  return lines
    .slice(start, end + 1)
    .map((l) => l.trim().replace(/ \\$/, ""))
    .join(" ");
}

describe("c: the curl overlay (tmux)", () => {
  itTmux(
    "80×24: a short command with the body by reference, sent by OSC 52; pasted, it re-sends the body byte for byte",
    async () => {
      const d = await prettyDelivery();
      const tmux = new TmuxSession(d.home);
      tmux.start(["ui", "--db", d.db], { columns: 80, rows: 24, env: d.env });
      // tmux takes OSC 52 from the program into its paste buffer when set-clipboard is on
      tmux.tmux("set-option", "-g", "set-clipboard", "on");
      await tmux.see(shortId(d.id));
      tmux.keys("c");
      const screen = await tmux.see("--data-binary @-");
      expect(screen).toContain("✓ copied via OSC 52");
      expect(screen).not.toContain('"eventType"');
      expect(screen).not.toContain(SECRET);
      const copied = await waitForBuffer(tmux);
      expect(copied).toBe(overlayCommand(screen));
      expect(copied).toMatch(
        new RegExp(
          `^okhook show ${d.id} --db '${d.db}' --body \\| curl -sS -X POST 'http://127\\.0\\.0\\.1:\\d+/okta/events' `,
        ),
      );

      await runPasted(d.home, copied, d.env);
      const rows = query<{ body: Buffer; auth: string; status: number }>(
        d.db,
        "SELECT body, auth, status FROM deliveries ORDER BY seq",
      );
      expect(rows).toHaveLength(2);
      expect(rows[1]!.body.equals(d.body)).toBe(true);
      expect(rows[1]).toMatchObject({ auth: "ok", status: 200 });
      tmux.keys("Escape");
      await tmux.see((s) => !s.includes("--data-binary"));
      tmux.keys("q");
      await tmux.see("[okhook exited 0]");
    },
  );

  itTmux("inside tmux ($TMUX set) c puts the command in tmux's paste buffer", async () => {
    const d = await prettyDelivery();
    const tmux = new TmuxSession(d.home);
    tmux.start(["ui", "--db", d.db], { columns: 120, rows: 30, env: d.env, keepTmux: true });
    await tmux.see(shortId(d.id));
    tmux.keys("c");
    const screen = await tmux.see("copied to tmux's paste buffer");
    expect(await waitForBuffer(tmux)).toBe(overlayCommand(screen));
  });
});

async function waitForBuffer(tmux: TmuxSession): Promise<string> {
  return waitFor(
    () => {
      try {
        return tmux.tmux("show-buffer");
      } catch {
        return null; // no buffer yet
      }
    },
    { what: "a tmux paste buffer", timeoutMs: 5_000 },
  );
}
