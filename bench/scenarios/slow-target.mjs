// ack while the app sleeps: okhook forwards to a loopback app that takes 10 s per request;
// 1,000 deliveries must still be acknowledged fast (p99 <= 50 ms, none slower than Okta's 3 s).

import { deliveryFactory } from "../lib/payload.mjs";
import { startScript } from "../lib/proc.mjs";
import { fmt } from "../lib/report.mjs";
import { startSide, warmAndLoad } from "../lib/sides.mjs";
import { median } from "../lib/stats.mjs";
import { summary } from "./ingest.mjs";

const TARGET_SLEEP_MS = 10_000;
const DELIVERIES = 1000;
const WARM_DELIVERIES = 200;
const P99_TARGET_MS = 50;

async function slowRun(ctx, targetUrl) {
  const s = await startSide("okhook", ctx, { forwardTo: [targetUrl] });
  try {
    const factory = deliveryFactory({ events: 2, bytes: 2048 });
    await warmAndLoad(s.url, ctx, { factory, amount: WARM_DELIVERIES, warmS: 0 });
    return await warmAndLoad(s.url, ctx, { factory, amount: DELIVERIES, warmS: 0 });
  } finally {
    // Shutdown would wait for forwards stuck on the sleeping app; the acks are measured.
    await s.stop(300);
  }
}

export const slowTarget = {
  name: "slow-target",
  about: `${DELIVERIES} deliveries while the forward target sleeps ${TARGET_SLEEP_MS / 1000} s per request`,
  async run(ctx) {
    const target = await startScript("target.mjs", [String(TARGET_SLEEP_MS)]);
    const runs = [];
    try {
      for (let i = 0; i < ctx.runs; i++) {
        const r = await slowRun(ctx, `${target.url}/hook`);
        runs.push(r);
        ctx.log(
          `  run ${i + 1}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(0)} ms, >3 s: ${r.over3s + r.timeouts}`,
        );
      }
    } finally {
      await target.stop();
    }
    const p99 = median(runs.map((r) => r.p99));
    const slow = runs.reduce((n, r) => n + r.over3s + r.timeouts + r.errors, 0);
    return {
      rows: [
        {
          scenario: `ack while target sleeps 10 s: p99 (${DELIVERIES})`,
          baseline: "—",
          okhook: fmt(p99, "ms", 1),
          ratio: "—",
          target: `≤ ${P99_TARGET_MS} ms`,
          pass: p99 <= P99_TARGET_MS,
        },
        {
          scenario: "ack while target sleeps: acks > 3 s",
          baseline: "—",
          okhook: `${slow} of ${DELIVERIES * ctx.runs}`,
          ratio: "—",
          target: "0",
          pass: slow === 0,
        },
      ],
      raw: { runs: runs.map((r) => ({ ...summary(r), over3s: r.over3s })) },
    };
  },
};
