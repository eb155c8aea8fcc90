// memory + storage: okhook listen receives 100,000 ~1.5 KB deliveries. Memory: RSS growth
// from start to after the load (<= 50 MB). Storage: database bytes on disk per delivery vs the
// body size (<= 2x), measured after a clean shutdown (WAL checkpointed).
import { existsSync, statSync } from "node:fs";
import { queryDb } from "../lib/db-read.mjs";
import { deliveryFactory } from "../lib/payload.mjs";
import { rssOf } from "../lib/proc.mjs";
import { fmt, fmtRatio } from "../lib/report.mjs";
import { startSide, warmAndLoad } from "../lib/sides.mjs";
import { median, round } from "../lib/stats.mjs";

const DELIVERIES = 100_000;
const BODY_BYTES = 1536;
const GROWTH_TARGET_MB = 50;
const STORAGE_TARGET = 2;
const SETTLE_MS = 1000;

const MB = 2 ** 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fileSize = (f) => (existsSync(f) ? statSync(f).size : 0);

async function fillRun(ctx) {
  const s = await startSide("okhook", ctx);
  let stopped = false;
  try {
    await sleep(SETTLE_MS);
    const rssStart = rssOf(s.pid);
    const factory = deliveryFactory({ events: 1, bytes: BODY_BYTES });
    const r = await warmAndLoad(s.url, ctx, { factory, amount: DELIVERIES, warmS: 0 });
    await sleep(SETTLE_MS);
    const rssAfter = rssOf(s.pid);
    const peak = rssOf(s.pid, "VmHWM");
    await s.stop();
    stopped = true;
    const bytes = fileSize(s.db) + fileSize(`${s.db}-wal`) + fileSize(`${s.db}-shm`);
    const [{ n }] = queryDb(s.db, "SELECT COUNT(*) AS n FROM deliveries");
    return { load: r, rssStart, rssAfter, peak, bytes, count: n, bodySize: factory.size };
  } finally {
    if (!stopped) await s.stop();
  }
}

export const fill = {
  name: "memory",
  aliases: ["storage", "fill"],
  about: `${DELIVERIES.toLocaleString("en-US")} ~1.5 KB deliveries into listen: RSS growth and bytes on disk`,
  async run(ctx) {
    const runs = [];
    for (let i = 0; i < ctx.runs; i++) {
      const r = await fillRun(ctx);
      runs.push(r);
      ctx.log(
        `  run ${i + 1}: ${Math.round(r.load.rps)} req/s; RSS ${round(r.rssStart / MB, 1)} → ${round(r.rssAfter / MB, 1)} MB (peak ${round(r.peak / MB, 1)}); ` +
          `${round(r.bytes / r.count, 0)} B/delivery for ${r.bodySize} B bodies`,
      );
    }
    const growth = median(runs.map((r) => (r.rssAfter - r.rssStart) / MB));
    const perDelivery = median(runs.map((r) => r.bytes / r.count));
    const bodySize = runs[0].bodySize;
    const ratio = perDelivery / bodySize;
    return {
      rows: [
        {
          scenario: `memory: listen RSS after ${DELIVERIES / 1000}k deliveries`,
          baseline: `start ${fmt(median(runs.map((r) => r.rssStart / MB)), "MB", 1)}`,
          okhook: `${fmt(median(runs.map((r) => r.rssAfter / MB)), "MB", 1)} (+${growth.toFixed(1)})`,
          ratio: "—",
          target: `growth ≤ ${GROWTH_TARGET_MB} MB`,
          pass: growth <= GROWTH_TARGET_MB,
        },
        {
          scenario: `storage: bytes on disk per ${bodySize} B delivery`,
          baseline: `body ${fmt(bodySize, "B")}`,
          okhook: fmt(perDelivery, "B"),
          ratio: fmtRatio(ratio),
          target: `≤ ${STORAGE_TARGET.toFixed(2)}×`,
          pass: ratio <= STORAGE_TARGET,
        },
      ],
      raw: {
        runs: runs.map((r) => ({
          rps: round(r.load.rps, 1),
          p99: round(r.load.p99, 2),
          rssStartMB: round(r.rssStart / MB, 1),
          rssAfterMB: round(r.rssAfter / MB, 1),
          peakMB: round(r.peak / MB, 1),
          dbBytes: r.bytes,
          deliveries: r.count,
          bytesPerDelivery: round(r.bytes / r.count, 1),
          bodySize: r.bodySize,
        })),
      },
    };
  },
};
