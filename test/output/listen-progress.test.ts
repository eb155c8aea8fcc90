import { describe, expect, it } from "vitest";
import { listenProgress } from "../../src/output/listen-progress.js";

function stream(isTTY: boolean) {
  let text = "";
  return {
    isTTY,
    columns: 60,
    write: (s: string) => {
      text += s;
      return true;
    },
    text: () => text,
  };
}

describe("listenProgress", () => {
  it("writes a line per wait when stderr is not a terminal, and nothing when the wait ends", () => {
    const err = stream(false);
    const p = listenProgress({ stderr: err, stdoutIsTTY: false });
    p.report("asking Okta to verify (attempt 1)");
    p.report("asking Okta to verify (attempt 1)");
    p.report("retrying in 2 s");
    p.report(undefined);
    expect(err.text()).toBe("okhook: asking Okta to verify (attempt 1)\nokhook: retrying in 2 s\n");
  });

  it("rewrites one line in place on a terminal, keeps it below stdout lines, and erases it when done", () => {
    const err = stream(true);
    const out = stream(true);
    // one terminal: stderr and stdout write to the same screen
    const screen = { isTTY: true, write: (s: string) => out.write(s) };
    const p = listenProgress({
      stderr: { ...err, write: screen.write, isTTY: true, columns: 40 },
      stdoutIsTTY: true,
    });
    const lines = p.wrap(screen);
    p.report("waiting for Okta to verify a very long hostname that does not fit");
    lines.write("12:00:01 delivery line\n");
    p.report(undefined);
    const erase = "\r\u001b[2K";
    // cut to the terminal's width (one column spare) so it never wraps
    const shown = `${"okhook: waiting for Okta to verify a very long".slice(0, 38)}…`;
    expect(shown).toHaveLength(39);
    expect(out.text()).toBe(
      `${erase}${shown}${erase}12:00:01 delivery line\n${erase}${shown}${erase}`,
    );
  });

  it("hands the message to a full-screen UI while one is mounted", () => {
    const err = stream(true);
    const flashed: string[] = [];
    const p = listenProgress({
      stderr: err,
      stdoutIsTTY: true,
      flash: () => (t) => flashed.push(t),
    });
    p.report("deactivating Okta event hook 1");
    p.report(undefined);
    expect(flashed).toEqual(["deactivating Okta event hook 1"]);
    expect(err.text()).toBe("");
  });
});
