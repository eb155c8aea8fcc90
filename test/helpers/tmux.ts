import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { BIN } from "./cli.js";
import { waitFor } from "./wait.js";

/** Whether tmux is installed. */
export const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

// CI must drive the real terminal (.ci/run installs tmux): there a missing tmux fails the
// test with a message; on a developer's machine the test is reported skipped, never "passed".
export const runTmuxTests = hasTmux || !!process.env.CI;

/** `it` for a test that drives a real terminal: skipped (and reported so) without tmux. */
export const itTmux = it.skipIf(!runTmuxTests);

/** `describe` for a block that drives a real terminal: skipped (and reported so) without tmux. */
export const describeTmux = describe.skipIf(!runTmuxTests);

const live = new Set<TmuxSession>();

/** Quote for POSIX shells. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Size of the terminal and the exact environment of what runs in it (nothing inherited). */
export interface TmuxStart {
  columns: number;
  rows: number;
  env: NodeJS.ProcessEnv;
}

/**
 * A private tmux server (own socket in a temp dir, so no test touches the user's tmux)
 * running one command in a real terminal of a given size. The only tmux driver the tests use.
 */
export class TmuxSession {
  readonly socket: string;
  private readonly name = "okhook";

  constructor(dir: string) {
    this.socket = join(dir, "tmux.sock");
    live.add(this);
  }

  /** Run a tmux command against this session's server. */
  tmux(...args: string[]): string {
    try {
      // -u: the terminal is UTF-8 (okhook draws ●, ›, …)
      return execFileSync("tmux", ["-u", "-S", this.socket, ...args], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8" },
      });
    } catch (err) {
      // under CI a missing tmux fails the test (runTmuxTests), with the fix in its message
      if ((err as NodeJS.ErrnoException).code === "ENOENT")
        throw new Error("tmux is not installed: .ci/run installs it (apt-get install tmux)");
      throw err;
    }
  }

  /**
   * Start `okhook <args>` with exactly `env` (nothing inherited, so no CI variable reaches
   * Ink). When it ends the pane shows `[okhook exited <code>]`. `keepTmux` passes the pane's
   * $TMUX on, as an interactive shell inside tmux would; `nodeArgs` go to node itself;
   * `prefix` is a command that runs okhook (e.g. setpriv, to run it as another user).
   */
  start(
    args: string[],
    o: TmuxStart & { keepTmux?: boolean; nodeArgs?: string[]; prefix?: string[] },
  ): void {
    const vars = Object.entries({ ...o.env, LANG: "C.UTF-8", TERM: "tmux-256color" })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${shq(v!)}`);
    if (o.keepTmux) vars.push('TMUX="$TMUX"');
    const cmd = [...(o.prefix ?? []), process.execPath, ...(o.nodeArgs ?? []), BIN, ...args]
      .map(shq)
      .join(" ");
    this.startScript(
      `env -i ${vars.join(" ")} ${cmd}; echo "[okhook exited $?]"; exec sleep 300`,
      o,
    );
  }

  /** Start a shell script (`sh -c`) with exactly `env`, e.g. one that wraps okhook in a job. */
  startScript(script: string, o: Pick<TmuxStart, "columns" | "rows">): void {
    this.tmux(
      "new-session",
      "-d",
      "-x",
      String(o.columns),
      "-y",
      String(o.rows),
      "-s",
      this.name,
      script,
    );
  }

  /** The visible screen as text. */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-t", this.name);
  }

  /** Send tmux key names (`Enter`, `Tab`, `Escape`, `PPage`) or literal characters. */
  keys(...keys: string[]): void {
    this.tmux("send-keys", "-t", this.name, ...keys);
  }

  /** Wait until the screen satisfies `check` (text, pattern or predicate). */
  async see(
    check: string | RegExp | ((screen: string) => boolean),
    timeoutMs = 10_000,
  ): Promise<string> {
    const test =
      typeof check === "string"
        ? (s: string) => s.includes(check)
        : check instanceof RegExp
          ? (s: string) => check.test(s)
          : check;
    let last = "";
    try {
      return await waitFor(
        () => {
          last = this.screen();
          return test(last) ? last : null;
        },
        { timeoutMs, intervalMs: 50, what: String(check) },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- screen ---\n${last}`);
    }
  }

  /** The line holding the selection marker. */
  selectedLine(): string {
    return (
      this.screen()
        .split("\n")
        .find((l) => l.startsWith("›")) ?? ""
    );
  }

  /** Pid of okhook (the pane's shell runs `env -i … node`, which execs into node). */
  okhookPid(): number {
    const pane = Number(this.tmux("display-message", "-p", "-t", this.name, "#{pane_pid}").trim());
    const pid = childrenOf(pane).find((c) => cmdline(c).includes("okhook.js"));
    if (!pid) throw new Error(`no okhook process under the tmux pane (pid ${pane})`);
    return pid;
  }

  /** Close the terminal as a user closing the window would: the pane's processes get SIGHUP. */
  closeTerminal(): void {
    this.tmux("kill-session", "-t", this.name);
  }

  /** Stop the tmux server and everything in it. */
  kill(): void {
    live.delete(this);
    try {
      this.tmux("kill-server");
    } catch {
      // already gone
    }
  }
}

/** Kill every tmux server the tests started (afterEach). */
export function killTmux(): void {
  for (const t of [...live]) t.kill();
}

/** Whether a process is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of a process's children (from /proc: a fresh Debian has no pgrep). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .split(" ")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1");
  } catch {
    return "";
  }
}
