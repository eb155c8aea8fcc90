import { writeFileSync } from "node:fs";
import { join } from "node:path";
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
        "okhook: unknown command 'fixtures nosuch'; okhook fixtures has: show, inline, capture (see okhook fixtures --help)",
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

  it("names the environment variable, not a flag, when a value set there is wrong", async () => {
    const home = tmpDir();
    const bad = join(home, "bad.db");
    writeFileSync(bad, "not a database");
    const cases: [string[], Record<string, string>, string][] = [
      [
        ["listen"],
        { OKHOOK_PORT: "abc" },
        'okhook: OKHOOK_PORT "abc": not a port number (try OKHOOK_PORT=8787, or 0 for any free port)',
      ],
      [
        ["listen"],
        { OKHOOK_TUNNEL: "x" },
        'okhook: OKHOOK_TUNNEL "x": expected one of quick, token, none',
      ],
      [
        ["listen", "--tunnel", "none"],
        { OKHOOK_FORWARD_TO: "htp:/x" },
        'okhook: OKHOOK_FORWARD_TO "htp:/x": not an http(s) URL (try http://localhost:3000/hooks, localhost:3000/hooks or 3000)',
      ],
      [
        ["doctor"],
        { OKTA_ORG_URL: "nope" },
        'okhook: OKTA_ORG_URL "nope": not a URL (try OKTA_ORG_URL=https://example.okta.com)',
      ],
      [
        ["reconcile", "--since", "1h"],
        { OKTA_ORG_URL: "http://x.okta.com" },
        'okhook: OKTA_ORG_URL "http://x.okta.com": https is required for an Okta org (try OKTA_ORG_URL=https://x.okta.com)',
      ],
      [
        ["deliveries"],
        { OKHOOK_DB: join(home, "none.db") },
        `okhook: OKHOOK_DB ${join(home, "none.db")}: no such database (okhook listen creates it; check the path)`,
      ],
      [
        ["deliveries"],
        { OKHOOK_DB: bad },
        `okhook: OKHOOK_DB ${bad}: not a readable okhook database (corrupt or another format); move it aside or pass --db <new file>`,
      ],
    ];
    for (const [args, extra, line] of cases) {
      const r = await runCli(args, cliEnv(home, extra));
      expect({ args, stderr: r.stderr }).toEqual({ args, stderr: `${line}\n` });
      expect(r.code).toBeGreaterThan(1);
    }
    // the flag, when given, is still named as the flag
    const flag = await runCli(["deliveries", "--db", bad], cliEnv(home, { OKHOOK_DB: bad }));
    expect(flag.stderr).toMatch(/^okhook: --db /);
  });
});
