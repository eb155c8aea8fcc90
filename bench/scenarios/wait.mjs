// wait: how soon `okhook wait` reports an event after the listener stored it (the 200 to
// the POST means stored), and what an idle wait costs in CPU next to an idle node process.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OKHOOK, ROOT, startOkhook } from "../lib/proc.mjs";
import { fmt } from "../lib/report.mjs";
import { median, round } from "../lib/stats.mjs";

const ROUNDS = 10;
const LATENCY_TARGET_MS = 250;
const IDLE_MS = 3000;
const IDLE_TARGET_CPU_MS_PER_S = 5;
const TICK_MS = 1000 / 100; // Linux USER_HZ

/** utime + stime of a process, in ms. */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Spawn `okhook wait …` and resolve once it says it waits. */
function startWait(args) {
  const child = spawn(process.execPath, [OKHOOK, "wait", ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  const firstLine = new Promise((resolve) => {
    child.stdout.once("data", () => resolve(performance.now()));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const waiting = new Promise((resolve, reject) => {
    child.stderr.on("data", (d) => {
      err += d;
      if (/waiting up to/.test(err)) resolve();
    });
    exited.then((code) => reject(new Error(`okhook wait exited ${code}: ${err}`)));
  });
  return { child, waiting, firstLine, exited };
}

function delivery(eventType) {
  const uuid = randomUUID();
  return JSON.stringify({
    eventType: "com.okta.event_hook",
    eventId: randomUUID(),
    data: { events: [{ uuid, eventType, published: new Date().toISOString() }] },
  });
}

async function post(url, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`listener answered ${res.status}`);
  return performance.now();
}

async function idleCpu(pid) {
  const before = cpuMs(pid);
  await new Promise((r) => setTimeout(r, IDLE_MS));
  return ((cpuMs(pid) - before) / IDLE_MS) * 1000;
}

export const wait = {
  name: "wait",
  about: "okhook wait: event stored → reported (ms), and idle CPU next to an idle node",
  async run(ctx) {
    const db = join(ctx.tmp, "wait.db");
    const listener = await startOkhook({ db });
    const latencies = [];
    try {
      for (let i = 0; i < ROUNDS; i++) {
        const type = `bench.wait.e${i}`;
        const w = startWait(["--event-type", type, "--json", "--timeout", "20s", "--db", db]);
        await w.waiting;
        const stored = await post(listener.url, delivery(type));
        latencies.push((await w.firstLine) - stored);
        await w.exited;
      }
      // both started, then measured once settled (start-up CPU is not idling)
      const node = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
      const w = startWait(["--event-type", "never.arrives", "--timeout", "30s", "--db", db]);
      await w.waiting;
      await new Promise((r) => setTimeout(r, 500));
      const [okhookCpu, nodeCpu] = await Promise.all([idleCpu(w.child.pid), idleCpu(node.pid)]);
      w.child.kill("SIGINT");
      node.kill();
      await w.exited;
      const p50 = median(latencies);
      const worst = Math.max(...latencies);
      return {
        rows: [
          {
            scenario: `wait: stored → reported (${ROUNDS} events)`,
            baseline: "—",
            okhook: `p50 ${fmt(p50, "ms", 1)}, max ${fmt(worst, "ms", 1)}`,
            ratio: "—",
            target: `≤ ${LATENCY_TARGET_MS} ms`,
            pass: worst <= LATENCY_TARGET_MS,
          },
          {
            scenario: "wait: idle CPU (ms per s)",
            baseline: `idle node ${round(nodeCpu, 1)}`,
            okhook: `${round(okhookCpu, 1)}`,
            ratio: "—",
            target: `≤ ${IDLE_TARGET_CPU_MS_PER_S} ms/s`,
            pass: okhookCpu <= IDLE_TARGET_CPU_MS_PER_S,
          },
        ],
        raw: {
          latenciesMs: latencies.map((x) => round(x)),
          idleCpuMsPerS: round(okhookCpu, 2),
          nodeIdleCpuMsPerS: round(nodeCpu, 2),
        },
      };
    } finally {
      await listener.stop();
    }
  },
};
