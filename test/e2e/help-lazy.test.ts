import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.js";
import { cliEnv, killAll, startCli } from "../helpers/cli.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";

const RECORD = fileURLToPath(new URL("../helpers/record-imports.mjs", import.meta.url));
/** What only a running command needs: the database driver, the HTTP client, the Ink UI. */
const HEAVY = /\/node_modules\/(better-sqlite3|undici|ink|react|react-reconciler)\//;

afterEach(async () => {
  await killAll();
  cleanupTmp();
});

/** Run okhook with the import recorder; the modules it loaded, one URL each. */
async function importsOf(args: string[]): Promise<{ code: number | null; urls: string[] }> {
  const home = tmpDir();
  const file = join(home, "imports.txt");
  const p = startCli(args, cliEnv(home, { OKHOOK_TEST_IMPORTS_FILE: file }), ["--import", RECORD]);
  const code = await p.exited;
  const urls = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
  return { code, urls };
}

const COMMANDS = [
  "okhook --help",
  "okhook listen --help",
  "okhook deliveries --help",
  "okhook show --help",
  "okhook replay --help",
  "okhook reconcile --help",
  "okhook send --help",
  "okhook send fixture --help",
  "okhook send verify --help",
  "okhook send inline --help",
  "okhook inline execute --help",
  "okhook fixtures inline --help",
  "okhook fixtures --help",
  "okhook fixtures capture --help",
  "okhook export --help",
  "okhook import --help",
  "okhook ui --help",
  "okhook secret --help",
  "okhook doctor --help",
  "okhook wait --help",
];

describe("--help stays fast: no database driver, HTTP client or UI is loaded", () => {
  it.each(COMMANDS)("%s", async (line) => {
    const { code, urls } = await importsOf(line.split(" ").slice(1));
    expect(code).toBe(0);
    // the recorder saw okhook's own modules
    expect(urls.some((u) => u.endsWith("/dist/cli.js"))).toBe(true);
    expect(urls.filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it("the recorder does see them when a command runs (deliveries loads better-sqlite3)", async () => {
    const db = join(tmpDir(), "okhook.db");
    openDb(db).close();
    const { code, urls } = await importsOf(["deliveries", "--json", "--db", db]);
    expect(code).toBe(0);
    expect(urls.some((u) => /\/node_modules\/better-sqlite3\//.test(u))).toBe(true);
  });
});
