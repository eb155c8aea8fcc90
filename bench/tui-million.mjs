#!/usr/bin/env node
// Benchmark: `okhook ui` on a database of a million deliveries, driven in tmux.
// Reports time to first frame, key response for G / g, and RSS, each as a ratio against
// the same run on a 100-row database (the baseline), so the numbers compare across machines.
// Usage: npm run build && node bench/tui-million.mjs [--rows 1000000] [--presses 50]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const { openDb } = await import(join(root, "dist/store/db.js"));
const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    presses: { type: "string", default: "50" },
  },
});
const ROWS = Number(values.rows);
const PRESSES = Number(values.presses);

const id = (seq) => `01jx${seq.toString(32).padStart(22, "0")}`;

function generate(file, n) {
  const db = openDb(file);
  db.pragma("synchronous = OFF");
  const insert = db.prepare(
    `INSERT INTO deliveries (seq, id, received_at, method, path, headers, body, size, kind, status,
      auth, event_count, first_event_type, forward_state, forward_status, forward_ms)
     VALUES (?, ?, ?, 'POST', '/okta/events', '[]', ?, ?, 'delivery', 200, 'ok', 1,
      'user.lifecycle.create', 'forwarded', 200, 12.5)`,
  );
  const body = Buffer.from('{"data":{"events":[]}}');
  db.transaction(() => {
    for (let seq = 1; seq <= n; seq++)
      insert.run(seq, id(seq), 1767225600000 + seq * 1000, body, body.length);
  })();
  db.close();
}

const sleepMs = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(check, timeoutMs = 30_000) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error("timed out");
    await sleepMs(5);
  }
  return performance.now() - start;
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : Number.NaN;
}

async function measure(dir, db, rows) {
  const sock = join(dir, `tmux-${rows}.sock`);
  const tmux = (...a) => execFileSync("tmux", ["-u", "-S", sock, ...a], { encoding: "utf8" });
  const screen = () => tmux("capture-pane", "-p", "-t", "b");
  const cmd = `env -i PATH="${process.env.PATH}" HOME="${dir}" NO_COLOR=1 LANG=C.UTF-8 '${process.execPath}' '${join(root, "bin/okhook.js")}' ui --db '${db}'; exec sleep 60`;
  const started = performance.now();
  tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", "b", cmd);
  const total = rows.toLocaleString("en-US");
  await until(() => screen().includes(`1 of ${total}`));
  const firstFrameMs = performance.now() - started;
  const pane = tmux("display-message", "-p", "-t", "b", "#{pane_pid}").trim();
  const pid = Number(spawnSync("pgrep", ["-P", pane], { encoding: "utf8" }).stdout.trim());
  const rssStart = rssKb(pid);
  let keyMs = 0;
  const samples = [];
  for (let i = 0; i < PRESSES; i++) {
    if (i % 20 === 0) samples.push(rssKb(pid));
    tmux("send-keys", "-t", "b", "G");
    keyMs += await until(() => screen().includes(`${total} of ${total}`));
    tmux("send-keys", "-t", "b", "g");
    keyMs += await until(() => screen().includes(`1 of ${total}`));
  }
  const rssEnd = rssKb(pid);
  tmux("kill-server");
  return {
    rows,
    firstFrameMs,
    keyMsAvg: keyMs / (PRESSES * 2),
    rssStartKb: rssStart,
    rssEndKb: rssEnd,
    rssSamplesKb: samples,
  };
}

const dir = mkdtempSync(join(tmpdir(), "okhook-bench-"));
try {
  const genStart = performance.now();
  generate(join(dir, "big.db"), ROWS);
  const generateMs = performance.now() - genStart;
  generate(join(dir, "small.db"), 100);
  const base = await measure(dir, join(dir, "small.db"), 100);
  const big = await measure(dir, join(dir, "big.db"), ROWS);
  const ratio = (k) => Number((big[k] / base[k]).toFixed(2));
  console.log(
    JSON.stringify(
      {
        bench: "tui-million",
        generateMs: Math.round(generateMs),
        baseline: base,
        million: big,
        ratios: {
          firstFrame: ratio("firstFrameMs"),
          keyResponse: ratio("keyMsAvg"),
          rss: ratio("rssEndKb"),
          rssGrowthDuringKeys: Number((big.rssEndKb / big.rssStartKb).toFixed(2)),
        },
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
