// ingest + forward: the ingest load with okhook forwarding every delivery to a loopback app
// answering 200. Throughput vs the minimal durable server (>= 0.7x) and every delivery
// forwarded within 5 s of the end of the load.
import { join } from "node:path";
import { pollDb } from "../lib/db-read.mjs";
import { deliveryFactory } from "../lib/payload.mjs";
import { startScript } from "../lib/proc.mjs";
import { fmt, fmtRatio } from "../lib/report.mjs";
import { startSide, warmAndLoad } from "../lib/sides.mjs";
import { median, round } from "../lib/stats.mjs";
import { INGEST_SECONDS, loadRuns, measureSide, summary } from "./ingest.mjs";

const RATIO_TARGET = 0.7;
const DRAIN_TARGET_MS = 5000;
/** How long to keep waiting after the target, to report how late forwarding finished. */
const DRAIN_REPORT_MS = 20_000;

async function referenceRun(ctx, targetUrl) {
  const s = await startScript("durable-forward-server.mjs", [
    join(ctx.tmp, `ref-${Date.now()}.db`),
    targetUrl,
  ]);
  try {
    const factory = deliveryFactory({ events: 2, bytes: 2048 });
    return await warmAndLoad(`${s.url}/okta/events`, ctx, { factory, durationS: INGEST_SECONDS });
  } finally {
    await s.stop();
  }
}

async function forwardRun(ctx, targetUrl) {
  const s = await startSide("okhook", ctx, { forwardTo: [targetUrl] });
  try {
    const factory = deliveryFactory({ events: 2, bytes: 2048 });
    const r = await warmAndLoad(s.url, ctx, { factory, durationS: INGEST_SECONDS });
    const end = performance.now();
    const { row, at } = await pollDb(
      s.db,
      "SELECT COUNT(*) AS total, COALESCE(SUM(forward_state = 'forwarded'), 0) AS forwarded FROM deliveries",
      (x) => x.total > 0 && x.forwarded === x.total,
      { timeoutMs: DRAIN_REPORT_MS },
    );
    const drained = row.forwarded === row.total;
    return {
      ...r,
      drainMs: drained ? at - end : null,
      total: row.total,
      notForwarded: row.total - row.forwarded,
    };
  } finally {
    await s.stop();
  }
}

export const forward = {
  name: "forward",
  about: `ingest + forward to a loopback app answering 200, ${INGEST_SECONDS} s per run`,
  async run(ctx) {
    const target = await startScript("target.mjs");
    const runs = { durable: [], okhook: [], reference: [] };
    try {
      for (let i = 0; i < loadRuns(ctx); i++) {
        const d = ctx.shared.durableRuns?.[i] ?? (await measureSide("durable", ctx)).rps;
        runs.durable.push(d);
        const r = await forwardRun(ctx, `${target.url}/hook`);
        runs.okhook.push(r);
        runs.reference.push((await referenceRun(ctx, `${target.url}/hook`)).rps);
        ctx.log(
          `  run ${i + 1}: durable ${Math.round(d)} req/s, okhook+forward ${Math.round(r.rps)} req/s, ` +
            `reference ${Math.round(runs.reference[i])} req/s, drained ${r.drainMs === null ? `NOT within ${DRAIN_REPORT_MS} ms (${r.notForwarded} left)` : `${Math.round(r.drainMs)} ms`} after the end`,
        );
      }
    } finally {
      await target.stop();
    }
    const ratio = median(runs.okhook.map((r, i) => r.rps / runs.durable[i]));
    const drains = runs.okhook.map((r) => r.drainMs);
    const worst = drains.some((d) => d === null) ? null : Math.max(...drains);
    return {
      rows: [
        {
          scenario: "ingest + forward: throughput",
          baseline: `durable ${fmt(median(runs.durable), "req/s")}`,
          okhook: fmt(median(runs.okhook.map((r) => r.rps)), "req/s"),
          ratio: fmtRatio(ratio),
          target: `≥ ${RATIO_TARGET.toFixed(2)}× durable`,
          pass: ratio >= RATIO_TARGET,
        },
        {
          scenario: "ingest + forward: all forwarded after end",
          baseline: "—",
          okhook:
            worst === null ? `> ${DRAIN_REPORT_MS / 1000} s` : `${fmt(worst, "ms")} (worst run)`,
          ratio: "—",
          target: `≤ ${DRAIN_TARGET_MS / 1000} s`,
          pass: worst !== null && worst <= DRAIN_TARGET_MS,
        },
        {
          scenario: "ingest + forward: reference, durable + bare forward",
          baseline: `durable ${fmt(median(runs.durable), "req/s")}`,
          okhook: `${fmt(median(runs.reference), "req/s")} (okhook ${fmtRatio(median(runs.okhook.map((r, i) => r.rps / runs.reference[i])))} of it)`,
          ratio: fmtRatio(median(runs.reference.map((x, i) => x / runs.durable[i]))),
          target: "report (what forwarding alone costs)",
          pass: null,
        },
      ],
      raw: {
        referenceRps: runs.reference.map((x) => round(x, 1)),
        durableRps: runs.durable.map((x) => round(x, 1)),
        okhook: runs.okhook.map((r) => ({
          ...summary(r),
          drainMs: round(r.drainMs, 0),
          total: r.total,
          notForwarded: r.notForwarded,
        })),
      },
    };
  },
};
