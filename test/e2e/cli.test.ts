import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, runCli } from "../helpers/cli.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";

afterEach(() => cleanupTmp());

describe("okhook CLI", () => {
  it("prints --version and help with defaults, env variables and examples", async () => {
    const env = cliEnv(tmpDir());
    const v = await runCli(["--version"], env);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runCli(["--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/listen/);
    expect(help.stdout).toMatch(/Examples:/);
    const listen = await runCli(["listen", "--help"], env);
    expect(listen.stdout).toMatch(/--port <n>.*OKHOOK_PORT/s);
    expect(listen.stdout).toMatch(/default: "\/okta\/events"/);
    expect(listen.stdout).toMatch(/Examples:/);
  });

  it("exits 2 on an unknown command or option, with one line", async () => {
    const env = cliEnv(tmpDir());
    const r = await runCli(["lisen"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'lisen'/);
    expect(r.stderr).toMatch(/listen/);
  });

  it("says commander's parse errors as okhook one-liners naming the help to read (exit 2)", async () => {
    const env = cliEnv(tmpDir());
    const cases: [string[], string][] = [
      [
        ["deliveries", "--bogus"],
        "okhook: unknown option '--bogus' (see okhook deliveries --help)",
      ],
      [
        ["deliveries", "--limt", "3"],
        "okhook: unknown option '--limt'; did you mean --limit? (see okhook deliveries --help)",
      ],
      [["lisen"], "okhook: unknown command 'lisen'; did you mean listen? (see okhook --help)"],
      [["show"], "okhook: missing required argument 'id' (see okhook show --help)"],
      [
        ["reconcile"],
        "okhook: required option '--since <dur|ISO>' not specified (see okhook reconcile --help)",
      ],
      [
        ["show", "a", "b"],
        "okhook: too many arguments for 'show': expected 1 argument but got 2 (see okhook show --help)",
      ],
      [
        ["fixtures", "nosuch", "x"],
        "okhook: unknown command 'fixtures nosuch'; okhook fixtures has: show (see okhook fixtures --help)",
      ],
      [
        ["send", "fixtur"],
        "okhook: unknown command 'send fixtur'; did you mean fixture? (see okhook send --help)",
      ],
    ];
    for (const [args, line] of cases) {
      const r = await runCli(args, env);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({
        args,
        code: 2,
        stderr: `${line}\n`,
      });
    }
  });
});
