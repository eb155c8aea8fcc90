import { afterEach, describe, expect, it } from "vitest";
import { textWidth } from "../../src/text/width.js";
import { cliEnv, runCli } from "../helpers/cli.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";

afterEach(() => cleanupTmp());

/** The subcommand names a help page lists under "Commands:". */
function commandsIn(help: string): string[] {
  const section = /\nCommands:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1] ?? "";
  return section
    .split("\n")
    .map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1])
    .filter((name): name is string => name !== undefined && name !== "help");
}

describe("--help fits an 80-column terminal", () => {
  it("every line of every okhook [<cmd> [<sub>]] --help is at most 80 cells", async () => {
    const env = cliEnv(tmpDir());
    const pages: string[][] = [[]];
    const tooWide: string[] = [];
    for (let i = 0; i < pages.length; i++) {
      const path = pages[i]!;
      const r = await runCli([...path, "--help"], env);
      expect(r.code).toBe(0);
      for (const line of r.stdout.split("\n"))
        if (textWidth(line) > 80) tooWide.push(`okhook ${path.join(" ")}: ${line}`);
      for (const sub of commandsIn(r.stdout)) pages.push([...path, sub]);
    }
    // every command was reached, the nested ones included
    expect(pages.map((p) => p.join(" "))).toEqual(
      expect.arrayContaining(["listen", "send fixture", "send verify", "fixtures show", "wait"]),
    );
    expect(tooWide).toEqual([]);
  });
});
