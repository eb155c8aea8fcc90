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
});
