// Run a command under a pseudo-terminal (util-linux `script`) and time its first frame: the
// moment its output first contains `marker`. Peak RSS is sampled from the command's own
// process (the child of `script`). The command is killed afterwards.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";
import { rssOf } from "./proc.mjs";

const FRAME_TIMEOUT_MS = 15_000;
const AFTER_FRAME_MS = 500;

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const shellQuote = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;

/** CPU time (user + system, all threads) a process has used so far, in ms (Linux /proc). */
function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/**
 * Time to the first output containing `marker` (ms, null if never), the CPU time the command
 * had used by then (ms: steadier than wall time on a shared machine) and peak RSS (bytes).
 */
export function firstFrame(argv, marker, { env = {}, cols = 120, rows = 40 } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const cmd = `stty cols ${cols} rows ${rows}; exec ${argv.map(shellQuote).join(" ")}`;
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
      env: { ...process.env, TERM: "xterm-256color", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let frameMs = null;
    let cpuMs = null;
    let peak = 0;
    let target = null;
    const sample = () => {
      target ??= childrenOf(child.pid)[0] ?? null;
      const v = target ? rssOf(target, "VmHWM") : null;
      if (v && v > peak) peak = v;
    };
    const sampler = setInterval(sample, 10);
    const finish = () => {
      clearInterval(sampler);
      sample();
      if (target) {
        try {
          process.kill(target, "SIGKILL");
        } catch {}
      }
      child.kill("SIGKILL");
      resolve({
        frameMs,
        cpuMs,
        peakRss: peak || null,
        output: stripVTControlCharacters(out).slice(-2000),
      });
    };
    const timeout = setTimeout(finish, FRAME_TIMEOUT_MS);
    child.stdout.on("data", (d) => {
      out += d.toString("utf8");
      if (frameMs === null && stripVTControlCharacters(out).includes(marker)) {
        frameMs = performance.now() - started;
        target ??= childrenOf(child.pid)[0] ?? null;
        cpuMs = target ? cpuMsOf(target) : null;
        clearTimeout(timeout);
        setTimeout(finish, AFTER_FRAME_MS);
      }
    });
    child.on("exit", () => {
      if (frameMs === null) {
        clearTimeout(timeout);
        finish();
      }
    });
  });
}
