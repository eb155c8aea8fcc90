// ui-frame: `okhook ui` on a tiny database (100 deliveries), from spawn to the first frame
// (the header's "100 stored"), under a pseudo-terminal. Target: under 500 ms. What it costs is
// loading code, not reading rows: the browse scenario measures the same on a million.
import { join } from "node:path";
import { fillDb } from "../lib/gen-db.mjs";
import { deliveryFactory } from "../lib/payload.mjs";
import { OKHOOK, timeCommand } from "../lib/proc.mjs";
import { fmt } from "../lib/report.mjs";
import { median, round } from "../lib/stats.mjs";
import { firstFrame } from "../lib/tty.mjs";

const DELIVERIES = 100;
const FRAME_TARGET_MS = 500;
const RUNS = 7;

export const uiFrame = {
  name: "ui-frame",
  aliases: ["frame"],
  about: `okhook ui first frame on a ${DELIVERIES}-delivery database (<= ${FRAME_TARGET_MS} ms)`,
  async run(ctx) {
    const file = join(ctx.tmp, "tiny.db");
    const factory = deliveryFactory({ events: 1, bytes: 1536 });
    const t0 = Date.now() - DELIVERIES * 1000;
    fillDb(file, {
      count: DELIVERIES,
      bodyAt: () => factory.next(),
      receivedAt: (i) => t0 + i * 1000,
    });
    const frames = [];
    const cpu = [];
    const version = [];
    for (let i = 0; i < Math.max(RUNS, ctx.runs); i++) {
      const r = await firstFrame(
        [process.execPath, OKHOOK, "ui", "--db", file],
        `${DELIVERIES} stored`,
        {
          env: { NO_COLOR: "1", HOME: ctx.tmp },
        },
      );
      frames.push(r.frameMs);
      cpu.push(r.cpuMs);
      // the same run's floor: node starting and okhook parsing its command line
      version.push((await timeCommand(process.execPath, [OKHOOK, "--version"])).wallMs);
      ctx.log(
        `  ui run ${i + 1}: first frame ${r.frameMs === null ? "never" : `${Math.round(r.frameMs)} ms`}`,
      );
    }
    const frame = frames.includes(null) ? null : median(frames);
    return {
      rows: [
        {
          scenario: `ui first frame, ${DELIVERIES}-delivery DB`,
          baseline: `--version ${fmt(median(version), "ms")}`,
          okhook:
            frame === null
              ? "no frame"
              : `${fmt(frame, "ms")} (max ${fmt(Math.max(...frames), "ms")}), CPU ${fmt(median(cpu), "ms")}`,
          ratio: "—",
          target: `≤ ${FRAME_TARGET_MS} ms`,
          pass: frame !== null && frame <= FRAME_TARGET_MS,
        },
      ],
      raw: {
        cpuMs: cpu,
        frameMs: frames.map((f) => round(f, 0)),
        versionMs: version.map((v) => round(v, 0)),
      },
    };
  },
};
