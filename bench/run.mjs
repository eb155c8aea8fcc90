#!/usr/bin/env node
// `npm run bench [-- <scenario>...] [--runs n] [--fresh]`: run okhook's benchmarks against
// baselines measured in the same run, print one table, write bench/results.json.
// Every figure that has a target is a ratio against (or an absolute bound checked beside) a
// baseline measured in this same invocation; each scenario runs >= 3 times, median reported.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo, renderTable, writeResults } from "./lib/report.mjs";
import { browse } from "./scenarios/browse.mjs";
import { bodySize, latency } from "./scenarios/extras.mjs";
import { fill } from "./scenarios/fill.mjs";
import { forward } from "./scenarios/forward.mjs";
import { ingest } from "./scenarios/ingest.mjs";
import { reconcile } from "./scenarios/reconcile.mjs";
import { replay } from "./scenarios/replay.mjs";
import { slowTarget } from "./scenarios/slow-target.mjs";
import { startup } from "./scenarios/startup.mjs";
import { transfer } from "./scenarios/transfer.mjs";
import { uiFrame } from "./scenarios/ui-frame.mjs";
import { wait } from "./scenarios/wait.mjs";

const SCENARIOS = [
  startup,
  ingest,
  forward,
  slowTarget,
  fill,
  reconcile,
  replay,
  browse,
  uiFrame,
  transfer,
  latency,
  bodySize,
  wait,
];
const RESULTS = fileURLToPath(new URL("./results.json", import.meta.url));
const VERSION = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
).version;

function parseArgs(argv) {
  const opts = { names: [], runs: 3, fresh: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") opts.runs = Math.max(3, Number(argv[++i]));
    else if (a === "--fresh") opts.fresh = true;
    else if (a === "--core") opts.core = true;
    else if (a === "--help" || a === "-h") opts.help = true;
    else opts.names.push(...a.split(",").filter(Boolean));
  }
  return opts;
}

function select(names) {
  // opt-in scenarios (transfer: ~35 min on the 1M database) run only when named
  if (names.length === 0) return SCENARIOS.filter((s) => !s.optIn);
  return SCENARIOS.filter((s) => names.some((n) => n === s.name || s.aliases?.includes(n)));
}

function usage() {
  const list = SCENARIOS.map(
    (s) =>
      `  ${[s.name, ...(s.aliases ?? [])].join(", ").padEnd(25)} ${s.about}${s.optIn ? " (only when named)" : ""}`,
  );
  return (
    "usage: npm run bench [-- <scenario>...] [--runs n (>= 3)] [--fresh] [--core]\n" +
    "  --fresh  rebuild the cached 1M-delivery browse database\n" +
    "  --core   also time the reconcile core when `okhook reconcile` exists\n\n" +
    `scenarios:\n${list.join("\n")}\n`
  );
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) return void process.stdout.write(usage());
  const chosen = select(opts.names);
  if (chosen.length === 0) {
    process.stderr.write(`no such scenario: ${opts.names.join(", ")}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), "okhook-bench-"));
  const ctx = {
    runs: opts.runs,
    fresh: opts.fresh,
    args: opts.core ? ["--core"] : [],
    tmp,
    cacheDir: join(tmpdir(), "okhook-bench-cache"),
    shared: {},
    secret: "bench-secret-4f1c2a9e7d3b",
    log: (msg) =>
      process.stderr.write(
        `[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${msg}\n`,
      ),
  };
  const machine = machineInfo(VERSION);
  const rows = [];
  const raw = {};
  try {
    for (const s of chosen) {
      ctx.log(`${s.name}: ${s.about}`);
      const t = performance.now();
      const out = await s.run(ctx);
      rows.push(...out.rows);
      raw[s.name] = { seconds: Math.round((performance.now() - t) / 100) / 10, ...out.raw };
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const table = renderTable(rows);
  process.stdout.write(`\n${table}\n\n`);
  const seconds = Math.round((performance.now() - started) / 1000);
  process.stdout.write(
    `okhook ${VERSION} · node ${machine.node} · ${machine.cpus} CPUs · ${seconds} s · runs per scenario: ${ctx.runs} (median; ingest and forward at least 5)\n`,
  );
  writeResults(RESULTS, {
    machine,
    seconds,
    scenarios: chosen.map((s) => s.name),
    rows,
    raw,
    table,
  });
  process.stdout.write(`raw runs: bench/results.json\n`);
  if (rows.some((r) => r.pass === false)) process.exitCode = 1;
}

await main();
