import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, killAll, startCli } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

const HOLD = fileURLToPath(new URL("../helpers/hold-import.mjs", import.meta.url));

afterEach(async () => {
  await killAll();
  cleanupTmp();
});

describe("okhook listen: a signal during start-up", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "%s before listen installs its own handlers still stops it: exit 0, nothing started",
    async (signal) => {
      const home = tmpDir();
      const hold = tmpDir("okhook-hold-");
      const db = join(home, "okhook.db");
      // Held at the import of the session module: cli.ts's handler is installed, listen's are not.
      const l = startCli(
        ["listen", "--tunnel", "none", "--port", "0", "--output", "json", "--db", db],
        cliEnv(home, {
          OKHOOK_TEST_HOLD_DIR: hold,
          OKHOOK_TEST_HOLD_MODULE: "/dist/listen/session.js",
        }),
        ["--import", HOLD],
      );
      await waitFor(() => existsSync(join(hold, "reached")) || l.child.exitCode !== null, {
        what: "listen to reach the held import",
      });
      expect(l.child.exitCode, l.stderr()).toBeNull();
      l.child.kill(signal);
      const code = await Promise.race([
        l.exited,
        waitFor(() => /"type":"listening"/.test(l.stdout()), { timeoutMs: 15_000 }).then(
          () => "started anyway",
        ),
      ]);
      expect(code, l.stdout() + l.stderr()).toBe(0);
      expect(l.stdout()).not.toContain('"type":"listening"');
      expect(l.stderr()).toBe("");
      // stopped before the database was taken: nothing to release, nothing to take over
      if (existsSync(db))
        expect(query(db, "SELECT key FROM meta WHERE key = 'listener.lock'")).toEqual([]);
    },
  );
});
