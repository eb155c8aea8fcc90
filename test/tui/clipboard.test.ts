import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/config.js";
import { copyToClipboard, osc52 } from "../../src/tui/clipboard.js";

function terminal(vars: Record<string, string>) {
  const out = new PassThrough();
  let written = "";
  out.on("data", (c: Buffer) => {
    written += c.toString("latin1");
  });
  const tmuxCalls: string[][] = [];
  return {
    out,
    written: () => written,
    tmuxCalls,
    copy: (text: string, tmuxWorks = true) =>
      copyToClipboard(text, {
        out,
        env: readEnv(vars),
        tmux: (args, input) => {
          tmuxCalls.push([...args, input]);
          return tmuxWorks;
        },
      }),
  };
}

const CMD =
  "okhook show 01JX --body | curl -sS -X POST 'http://127.0.0.1:8787/okta/events' --data-binary @-";

describe("copyToClipboard", () => {
  it("writes one OSC 52 sequence carrying the command, and says copied", () => {
    const t = terminal({ TERM: "xterm-256color" });
    expect(t.copy(CMD)).toMatchObject({ copied: true });
    expect(t.written()).toBe(`\u001b]52;c;${Buffer.from(CMD).toString("base64")}\u0007`);
    expect(osc52("é")).toBe("\u001b]52;c;w6k=\u0007");
  });

  it("inside tmux hands it to tmux's paste buffer (and on to the clipboard), not a raw OSC 52", () => {
    const t = terminal({ TERM: "tmux-256color", TMUX: "/tmp/tmux-0/default,1,0" });
    expect(t.copy(CMD)).toMatchObject({ copied: true, note: expect.stringContaining("tmux") });
    expect(t.tmuxCalls).toEqual([["load-buffer", "-w", "-", CMD]]);
    expect(t.written()).toBe("");
  });

  it("falls back to OSC 52 when tmux refuses the buffer (an old tmux without -w tried too)", () => {
    const t = terminal({ TERM: "tmux-256color", TMUX: "/tmp/tmux-0/default,1,0" });
    expect(t.copy(CMD, false)).toMatchObject({ copied: true });
    expect(t.tmuxCalls.map((c) => c.slice(0, -1))).toEqual([
      ["load-buffer", "-w", "-"],
      ["load-buffer", "-"],
    ]);
    expect(t.written()).toContain("\u001b]52;c;");
  });

  it.each([
    [{ TERM: "xterm-256color", OKHOOK_CLIPBOARD: "off" }, "OKHOOK_CLIPBOARD"],
    [{ TERM: "xterm-256color", TERM_PROGRAM: "Apple_Terminal" }, "Terminal.app"],
    [{ TERM: "xterm-256color", VTE_VERSION: "7600" }, "VTE"],
    [{ TERM: "dumb" }, "no terminal type"],
  ])("never claims a copy it did not make (%j)", (vars, why) => {
    const t = terminal(vars);
    const r = t.copy(CMD);
    expect(r.copied).toBe(false);
    expect(r.note).toContain(why);
    expect(t.written()).toBe("");
  });
});
