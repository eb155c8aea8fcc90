// Reported without a target (issue 10, "also measure"): ack latency at 1, 20 and 100
// connections, and ingest throughput by body size (1 KB, 64 KB, 1 MB) beside the durable
// baseline.
import { deliveryFactory } from "../lib/payload.mjs";
import { fmt, fmtRatio } from "../lib/report.mjs";
import { startSide, warmAndLoad } from "../lib/sides.mjs";
import { median } from "../lib/stats.mjs";
import { summary } from "./ingest.mjs";

const SECONDS = 2;

async function one(side, ctx, { connections, events, bytes }) {
  const s = await startSide(side, ctx);
  try {
    const factory = deliveryFactory({ events, bytes });
    const r = await warmAndLoad(s.url, ctx, {
      factory,
      connections,
      durationS: SECONDS,
      warmS: 0.5,
    });
    return { ...r, size: factory.size };
  } finally {
    await s.stop();
  }
}

export const latency = {
  name: "latency",
  about: `okhook ack p50/p99 at 1, 20 and 100 connections (${SECONDS} s runs, report only)`,
  async run(ctx) {
    const rows = [];
    const raw = {};
    for (const connections of [1, 20, 100]) {
      const runs = [];
      for (let i = 0; i < ctx.runs; i++)
        runs.push(await one("okhook", ctx, { connections, events: 2, bytes: 2048 }));
      raw[connections] = runs.map(summary);
      rows.push({
        scenario: `ack latency, ${connections} conn (p50 / p99)`,
        baseline: "—",
        okhook: `${fmt(median(runs.map((r) => r.p50)), "", 2)} / ${fmt(median(runs.map((r) => r.p99)), "ms", 2)} at ${fmt(median(runs.map((r) => r.rps)), "req/s")}`,
        ratio: "—",
        target: "report",
        pass: null,
      });
    }
    return { rows, raw };
  },
};

const SIZES = [
  { label: "1 KB", events: 1, bytes: 1024 },
  { label: "64 KB", events: 50, bytes: 64 * 1024 },
  { label: "1 MB", events: 50, bytes: 1_000_000 },
];

export const bodySize = {
  name: "body-size",
  about: `ingest throughput by body size (1 KB, 64 KB, 1 MB), okhook vs durable (${SECONDS} s runs, report only)`,
  async run(ctx) {
    const rows = [];
    const raw = {};
    for (const size of SIZES) {
      const runs = { durable: [], okhook: [] };
      for (let i = 0; i < ctx.runs; i++) {
        for (const side of ["durable", "okhook"])
          runs[side].push(await one(side, ctx, { connections: 20, ...size }));
      }
      raw[size.label] = { durable: runs.durable.map(summary), okhook: runs.okhook.map(summary) };
      const ratio = median(runs.okhook.map((r, i) => r.rps / runs.durable[i].rps));
      rows.push({
        scenario: `ingest ${size.label} bodies (${runs.okhook[0].size} B, ${size.events} ev)`,
        baseline: `durable ${fmt(median(runs.durable.map((r) => r.rps)), "req/s")}`,
        okhook: fmt(median(runs.okhook.map((r) => r.rps)), "req/s"),
        ratio: fmtRatio(ratio),
        target: "report",
        pass: null,
      });
    }
    return { rows, raw };
  },
};
