import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { BIN } from "./cli.js";
import { waitFor } from "./wait.js";

/** Whether tmux is installed (the real-terminal tests return early without it). */
export const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

const live = new Set<TmuxSession>();

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A private tmux server (own socket in a temp dir) running one okhook command in a real
 * terminal of a given size. When the command ends the pane shows `[okhook exited <code>]`.
 */
export class TmuxSession {
  private readonly socket: string;
  private readonly name = "okhook";

  constructor(dir: string) {
    this.socket = join(dir, "tmux.sock");
    live.add(this);
  }

  private tmux(...args: string[]): string {
    // -u: the terminal is UTF-8 (okhook draws ●, ›, …)
    return execFileSync("tmux", ["-u", "-S", this.socket, ...args], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8" },
    });
  }

  /** Start `okhook <args>` with exactly `env` (nothing inherited, so no CI variable reaches Ink). */
  start(
    args: string[],
    o: { columns: number; rows: number; env: NodeJS.ProcessEnv; prefix?: string[] },
  ): void {
    const vars = Object.entries({ ...o.env, LANG: "C.UTF-8", TERM: "tmux-256color" })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${shq(v!)}`);
    // `prefix`: a command that runs okhook, e.g. setpriv to run it as another user
    const cmd = [...(o.prefix ?? []), process.execPath, BIN, ...args].map(shq).join(" ");
    const script = `env -i ${vars.join(" ")} ${cmd}; echo "[okhook exited $?]"; exec sleep 300`;
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
    const out = spawnSync("pgrep", ["-P", String(pane), "-f", "okhook.js"], { encoding: "utf8" });
    return Number(out.stdout.trim().split("\n")[0]);
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

/** Pids of a process's children. */
export function childrenOf(pid: number): number[] {
  const out = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" });
  return out.stdout.split("\n").filter(Boolean).map(Number);
}
