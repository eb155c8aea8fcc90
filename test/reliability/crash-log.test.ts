import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeCrashLog } from "../../src/crash-log.js";
import { cliEnv, killAll, startCli } from "../helpers/cli.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";

afterEach(async () => {
  await killAll();
  cleanupTmp();
});

const mode = (p: string) => statSync(p).mode & 0o777;

describe("crash log: okhook's own data directory, private, never written through", () => {
  it("an internal error leaves one line on stderr and the stack in <data dir>/crash, 0700/0600", async () => {
    const home = tmpDir();
    const tmp = tmpDir();
    // A bug stand-in: the first write to stdout throws, as an unexpected TypeError would.
    const preload = join(tmp, "bug.mjs");
    writeFileSync(
      preload,
      'process.stdout.write = () => { throw new TypeError("simulated bug in a command"); };\n',
    );
    const env = cliEnv(home, { TMPDIR: tmp });
    const p = startCli(["fixtures"], env, ["--import", preload]);
    expect(await p.exited).toBe(70);
    const m = /^okhook: internal error: simulated bug in a command \(stack trace in (.+)\)\n$/.exec(
      p.stderr(),
    );
    expect(m, p.stderr()).not.toBeNull();
    const file = m![1]!;
    const dir = join(home, ".local/share/okhook/crash");
    expect(dirname(file)).toBe(dir);
    expect(file).toMatch(/okhook-crash-\d{8}T\d{6}Z-\d+\.log$/);
    expect(mode(dir)).toBe(0o700);
    expect(mode(dirname(dir))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/TypeError: simulated bug in a command\n\s+at /);
    // nothing in the shared temp directory
    expect(readdirSync(tmp).filter((f) => f.startsWith("okhook-crash"))).toEqual([]);
  });

  it("creates exclusively: a planted file or symlink at the name is left alone, another name is used", () => {
    const dir = join(tmpDir(), "crash");
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const victim = join(tmpDir(), "victim.txt");
    writeFileSync(victim, "keep me");
    const now = new Date("2026-11-20T14:02:11.482Z");
    symlinkSync(victim, join(dir, "okhook-crash-20261120T140211Z-4242.log"));
    const file = writeCrashLog("stack\n", { dir, now, pid: 4242 });
    expect(file).toMatch(/okhook-crash-20261120T140211Z-4242-[0-9a-f]{8}\.log$/);
    expect(readFileSync(victim, "utf8")).toBe("keep me");
    expect(readFileSync(file, "utf8")).toBe("stack\n");
    expect(mode(file)).toBe(0o600);
    expect(mode(dir)).toBe(0o700); // tightened
  });

  it("refuses a crash directory that is a symlink", () => {
    const base = tmpDir();
    const elsewhere = join(base, "elsewhere");
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(base, "crash"));
    expect(() => writeCrashLog("x", { dir: join(base, "crash") })).toThrow(/not a directory/);
    expect(existsSync(join(elsewhere, "x"))).toBe(false);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
