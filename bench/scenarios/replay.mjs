// replay: 10,000 stored deliveries re-sent to a loopback app answering 200, concurrency 16.
// Floor: a bare undici loop sending the same stored bodies (>= 0.6x its throughput).
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { fillDb } from "../lib/gen-db.mjs";
import { deliveryFactory } from "../lib/payload.mjs";
import { BASELINES, commandExists, OKHOOK, startScript, timeCommand } from "../lib/proc.mjs";
import { fmt, fmtRatio } from "../lib/report.mjs";
import { median, round } from "../lib/stats.mjs";

const DELIVERIES = 10_000;
const CONCURRENCY = 16;
const TARGET = 0.6;

async function posts(target) {
  const res = await fetch(`${target.url}/__stats`);
  return (await res.json()).posts;
}

async function floorRun(db, target) {
  const before = await posts(target);
  const r = await timeCommand(process.execPath, [
    `${BASELINES}undici-sender.mjs`,
    db,
    `${target.url}/hook`,
    String(CONCURRENCY),
  ]);
  const out = JSON.parse(r.stdout || "{}");
  if (r.code !== 0 || out.ok !== DELIVERIES)
    throw new Error(`replay floor failed (${r.code}): ${r.stderr || r.stdout}`);
  return { ...r, received: (await posts(target)) - before };
}

async function cliRun(ctx, db, target, i) {
  const copy = join(ctx.tmp, `replay-run-${i}.db`);
  copyFileSync(db, copy);
  const before = await posts(target);
  const args = [
    OKHOOK,
    "replay",
    "--all",
    "--yes",
    "--to",
    `${target.url}/hook`,
    "--concurrency",
    String(CONCURRENCY),
    "--db",
    copy,
  ];
  const r = await timeCommand(process.execPath, args, { env: { NO_COLOR: "1" } });
  return { ...r, received: (await posts(target)) - before };
}

export const replay = {
  name: "replay",
  about: `${DELIVERIES.toLocaleString("en-US")} stored deliveries re-sent to a loopback app, concurrency ${CONCURRENCY}`,
  async run(ctx) {
    const hasCli = await commandExists("replay");
    const db = join(ctx.tmp, "replay.db");
    const factory = deliveryFactory({ events: 2, bytes: 2048 });
    const t0 = Date.now() - DELIVERIES * 1000;
    fillDb(db, {
      count: DELIVERIES,
      bodyAt: () => factory.next(),
      receivedAt: (i) => t0 + i * 1000,
    });
    const target = await startScript("target.mjs");
    const runs = [];
    try {
      for (let i = 0; i < ctx.runs; i++) {
        const run = { floor: await floorRun(db, target) };
        if (hasCli) run.cli = await cliRun(ctx, db, target, i);
        runs.push(run);
        ctx.log(
          `  run ${i + 1}: floor ${Math.round(run.floor.wallMs)} ms` +
            (hasCli
              ? `; okhook replay ${Math.round(run.cli.wallMs)} ms, exit ${run.cli.code}, target got ${run.cli.received}`
              : ""),
        );
      }
    } finally {
      await target.stop();
    }
    const floorRps = median(runs.map((r) => DELIVERIES / (r.floor.wallMs / 1000)));
    const row = {
      scenario: `replay ${DELIVERIES / 1000}k, concurrency ${CONCURRENCY}`,
      baseline: `undici ${fmt(floorRps, "req/s")}`,
      target: `≥ ${TARGET.toFixed(2)}× floor`,
    };
    const keep = (r) =>
      r && {
        wallMs: round(r.wallMs, 0),
        code: r.code,
        received: r.received,
        peakRssMB: round(r.peakRss / 2 ** 20, 1),
      };
    const raw = { runs: runs.map((r) => ({ floor: keep(r.floor), cli: keep(r.cli) })) };
    if (!hasCli)
      return {
        rows: [{ ...row, okhook: "n/a (command not built yet)", ratio: "—", pass: "n/a" }],
        raw,
      };
    const ratio = median(runs.map((r) => r.floor.wallMs / r.cli.wallMs));
    const complete = runs.every((r) => r.cli.code === 0 && r.cli.received === DELIVERIES);
    const rps = median(runs.map((r) => DELIVERIES / (r.cli.wallMs / 1000)));
    return {
      rows: [
        {
          ...row,
          okhook: `${fmt(rps, "req/s")}${complete ? "" : " (INCOMPLETE)"}`,
          ratio: fmtRatio(ratio),
          pass: ratio >= TARGET && complete,
        },
      ],
      raw,
    };
  },
};
