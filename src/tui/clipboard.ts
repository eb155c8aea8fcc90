import { spawnSync } from "node:child_process";
import type { OkhookEnv } from "../config.js";

/** What became of a copy: `copied` only when the text was actually handed on. */
export interface CopyOutcome {
  copied: boolean;
  /** One short line for the user: where it went, or why not and what to do instead. */
  note: string;
}

/** How a copy reaches the clipboard; the command passes its terminal and environment. */
export interface ClipboardOptions {
  out: NodeJS.WritableStream;
  env: Pick<OkhookEnv, "clipboard" | "terminal">;
  /** Runs `tmux <args>` with `input` on stdin; true when it exited 0 (tests pass their own). */
  tmux?: (args: string[], input: string) => boolean;
}

const OFF = /^(off|0|false|no|never)$/i;
const TMUX_TIMEOUT_MS = 2000;

/** OSC 52 "set clipboard": the terminal (or an SSH client's terminal) puts `text` on its clipboard. */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, "utf8").toString("base64")}\u0007`;
}

function runTmux(args: string[], input: string): boolean {
  const r = spawnSync("tmux", args, {
    input,
    timeout: TMUX_TIMEOUT_MS,
    stdio: ["pipe", "ignore", "ignore"],
  });
  return r.status === 0;
}

/** Terminals known to ignore OSC 52: saying "copied" there would be a lie. */
function ignoresOsc52(t: OkhookEnv["terminal"]): string | null {
  if (!t.term || t.term === "dumb") return "no terminal type";
  if (t.term === "linux") return "the Linux console has no clipboard";
  if (t.program === "Apple_Terminal") return "Terminal.app ignores OSC 52";
  if (t.vte) return "VTE terminals (GNOME Terminal…) ignore OSC 52";
  return null;
}

/**
 * Copy `text` to the clipboard from a terminal program. Inside tmux: tmux's paste buffer via
 * `tmux load-buffer -w` (tmux hands it on to the outer terminal's clipboard when its
 * set-clipboard option allows; a raw OSC 52 would be swallowed by tmux's default). Elsewhere:
 * OSC 52 on the terminal, which works over SSH too. OKHOOK_CLIPBOARD=off turns it off.
 */
export function copyToClipboard(text: string, o: ClipboardOptions): CopyOutcome {
  if (o.env.clipboard && OFF.test(o.env.clipboard))
    return { copied: false, note: "clipboard off (OKHOOK_CLIPBOARD): select the lines to copy" };
  if (o.env.terminal.tmux) {
    const tmux = o.tmux ?? runTmux;
    if (tmux(["load-buffer", "-w", "-"], text) || tmux(["load-buffer", "-"], text))
      return {
        copied: true,
        note: "copied to tmux's paste buffer (and the clipboard, if tmux's set-clipboard allows)",
      };
  }
  const why = ignoresOsc52(o.env.terminal);
  if (why) return { copied: false, note: `not copied (${why}): select the lines to copy` };
  o.out.write(osc52(text));
  return {
    copied: true,
    note: "copied via OSC 52 (if paste comes up empty, select the lines instead)",
  };
}
