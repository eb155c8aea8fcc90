// Child processes for the bench: servers that announce their port, the okhook CLI, and
// timed one-shot commands with peak RSS read from /proc.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const OKHOOK = fileURLToPath(new URL("../../bin/okhook.js", import.meta.url));
export const BASELINES = fileURLToPath(new URL("../baselines/", import.meta.url));

const READY_TIMEOUT_MS = 20_000;

/** A port that was free a moment ago (the CLI under `--output quiet` prints nothing). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Resolve once a TCP connect to the port succeeds, or reject at the deadline. */
export async function waitForPort(port, timeoutMs = READY_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const sock = connect(port, "127.0.0.1");
      sock.once("connect", () => {
        sock.destroy();
        resolve(true);
      });
      sock.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listening on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Wrap a spawned child: stop() sends SIGTERM and waits for exit (SIGKILL after a grace). */
function handle(child, extra) {
  const exited = new Promise((resolve) => child.once("exit", (code, sig) => resolve(code ?? sig)));
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  return {
    child,
    pid: child.pid,
    exited,
    stderr: () => stderr,
    async stop(graceMs = 8000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
    ...extra,
  };
}

/** Start a baseline server script that prints `{"port":n}` as its first stdout line. */
export async function startScript(script, args = [], { nodeArgs = [] } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, `${BASELINES}${script}`, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: ROOT,
  });
  const h = handle(child);
  const port = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start: ${h.stderr()}`)),
      READY_TIMEOUT_MS,
    );
    rl.once("line", (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line).port);
    });
    child.once("exit", (code) => reject(new Error(`${script} exited ${code}: ${h.stderr()}`)));
  });
  child.stdout.resume();
  return { ...h, port, url: `http://127.0.0.1:${port}` };
}

/** Start the built `okhook listen` (quiet output, no tunnel) on a free port. */
export async function startOkhook({
  db,
  secret,
  forwardTo = [],
  extra = [],
  nodeArgs = [],
  env = {},
}) {
  const port = await freePort();
  const args = [
    ...nodeArgs,
    OKHOOK,
    "listen",
    "--tunnel",
    "none",
    "--port",
    String(port),
    "--output",
    "quiet",
    "--db",
    db,
    ...(secret ? ["--secret", secret] : []),
    ...forwardTo.flatMap((t) => ["--forward-to", t]),
    ...extra,
  ];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "ignore", "pipe"],
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  const h = handle(child);
  const died = h.exited.then((c) => {
    throw new Error(`okhook listen exited (${c}) before listening: ${h.stderr()}`);
  });
  await Promise.race([waitForPort(port), died]);
  died.catch(() => {});
  return { ...h, port, url: `http://127.0.0.1:${port}/okta/events` };
}

/** Resident set size of a live process in bytes (VmRSS), or its peak (VmHWM). */
export function rssOf(pid, field = "VmRSS") {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
      readFileSync(`/proc/${pid}/status`, "utf8"),
    );
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Run a command to completion: wall time (ms, from spawn to exit), peak RSS (VmHWM sampled
 * every 10 ms; monotonic, so the last sample is within 10 ms of the true peak), exit code,
 * stdout. Never throws on a non-zero exit.
 */
export function timeCommand(cmd, args, { env = {}, cwd = ROOT, input } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let peak = 0;
    const sample = () => {
      const v = rssOf(child.pid, "VmHWM");
      if (v !== null && v > peak) peak = v;
    };
    const timer = setInterval(sample, 10);
    const out = [];
    let err = "";
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => {
      err = (err + d).slice(-4000);
    });
    child.once("error", reject);
    child.on("exit", (code) => {
      const wallMs = performance.now() - started;
      clearInterval(timer);
      resolve({
        wallMs,
        peakRss: peak || null,
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: err,
      });
    });
    child.stdin.end(input);
  });
}

/**
 * Whether the built CLI has a command: `okhook <cmd> --help` exits 0 with that command's usage.
 * (For an unknown command commander prints the program's help and also exits 0.)
 */
export async function commandExists(cmd) {
  const r = await timeCommand(process.execPath, [OKHOOK, cmd, "--help"]);
  return r.code === 0 && new RegExp(`^Usage: okhook ${cmd}\\b`).test(r.stdout);
}
