// browse: a database of 1,000,000 deliveries. `okhook deliveries --limit 50` wall time vs
// `okhook --version` (<= 2x); `okhook ui` first frame (<= 1 s) and RSS (<= 200 MB) once the
// command exists. The database is bulk-filled through dist/store and cached between bench
// runs (keyed by the store code and generator); `--fresh` rebuilds it.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { queryDb } from "../lib/db-read.mjs";
import { fillDb } from "../lib/gen-db.mjs";
import { deliveryFactory } from "../lib/payload.mjs";
import { commandExists, OKHOOK, ROOT, timeCommand } from "../lib/proc.mjs";
import { fmt, fmtRatio } from "../lib/report.mjs";
import { median, round } from "../lib/stats.mjs";
import { firstFrame } from "../lib/tty.mjs";

const DELIVERIES = 1_000_000;
const PAIRS = 5;
const LIST_TARGET = 2;
const FRAME_TARGET_MS = 1000;
const UI_RSS_TARGET_MB = 200;
const MB = 2 ** 20;
/** Deliveries in the browse database: one event, ~1.5 KB (a common Okta delivery). */
const SHAPE = { events: 1, bytes: 1536 };
const BODY = deliveryFactory(SHAPE).size;

/** Cache key: the store code and the generators that shape the database. */
function cacheKey() {
  const h = createHash("sha256");
  const files = [
    ...readdirSync(join(ROOT, "dist/store"))
      .filter((f) => f.endsWith(".js"))
      .map((f) => join(ROOT, "dist/store", f)),
    fileURLToPath(new URL("../lib/gen-db.mjs", import.meta.url)),
    fileURLToPath(new URL("../lib/payload.mjs", import.meta.url)),
  ];
  for (const f of files.sort()) h.update(readFileSync(f));
  return `${h.digest("hex").slice(0, 12)}-${DELIVERIES}`;
}

/** The cached 1M-delivery database (built on first use; `--fresh` rebuilds it). */
export async function database(ctx) {
  const file = join(ctx.cacheDir, `browse-${cacheKey()}.db`);
  if (existsSync(file) && !ctx.fresh) {
    ctx.log(`  reusing ${file} (npm run bench -- --fresh rebuilds it)`);
    return { file, genMs: null };
  }
  mkdirSync(ctx.cacheDir, { recursive: true });
  for (const old of readdirSync(ctx.cacheDir))
    if (old.startsWith("browse-")) rmSync(join(ctx.cacheDir, old), { force: true });
  const tmp = `${file}.tmp`;
  const factory = deliveryFactory(SHAPE);
  const t0 = Date.now() - DELIVERIES * 500;
  const genMs = fillDb(tmp, {
    count: DELIVERIES,
    bodyAt: () => factory.next(),
    receivedAt: (i) => t0 + i * 500,
    onProgress: (n) =>
      n % 200_000 === 0 && ctx.log(`  filled ${n.toLocaleString("en-US")} deliveries`),
  });
  renameSync(tmp, file);
  ctx.log(`  generated ${file} in ${Math.round(genMs / 1000)} s`);
  return { file, genMs };
}

async function uiRuns(ctx, file) {
  const [{ id }] = queryDb(file, "SELECT id FROM deliveries ORDER BY seq DESC LIMIT 1");
  const marker = id.slice(-8);
  const runs = [];
  for (let i = 0; i < ctx.runs; i++) {
    const r = await firstFrame([process.execPath, OKHOOK, "ui", "--db", file], marker, {
      env: { NO_COLOR: "1" },
    });
    runs.push(r);
    ctx.log(
      `  ui run ${i + 1}: first frame ${r.frameMs === null ? "never" : `${Math.round(r.frameMs)} ms (CPU ${Math.round(r.cpuMs ?? 0)} ms)`}, peak RSS ${round(r.peakRss / MB, 0)} MB`,
    );
  }
  return runs;
}

export const browse = {
  name: "browse",
  about: `${DELIVERIES.toLocaleString("en-US")}-delivery database: deliveries --limit 50, ui first frame`,
  async run(ctx) {
    const { file, genMs } = await database(ctx);
    const size = statSync(file).size;
    const version = [];
    const list = [];
    for (let i = 0; i < PAIRS; i++) {
      version.push((await timeCommand(process.execPath, [OKHOOK, "--version"])).wallMs);
      const r = await timeCommand(process.execPath, [
        OKHOOK,
        "deliveries",
        "--limit",
        "50",
        "--db",
        file,
      ]);
      if (r.code !== 0 || r.stdout.split("\n").length < 50)
        throw new Error(`deliveries failed (${r.code}): ${r.stderr}`);
      list.push(r.wallMs);
    }
    const ratio = median(list.map((l, i) => l / version[i]));
    const hasUi = await commandExists("ui");
    const ui = hasUi ? await uiRuns(ctx, file) : [];
    const rows = [
      {
        scenario: "browse 1M: deliveries --limit 50",
        baseline: `--version ${fmt(median(version), "ms")}`,
        okhook: fmt(median(list), "ms"),
        ratio: fmtRatio(ratio),
        target: `≤ ${LIST_TARGET.toFixed(2)}×`,
        pass: ratio <= LIST_TARGET,
      },
    ];
    if (hasUi) {
      const frame = ui.some((r) => r.frameMs === null) ? null : median(ui.map((r) => r.frameMs));
      const rss = Math.max(...ui.map((r) => r.peakRss ?? 0)) / MB;
      rows.push({
        scenario: "browse 1M: okhook ui first frame, RSS",
        baseline: "—",
        okhook: `${frame === null ? "no frame" : fmt(frame, "ms")}, ${fmt(rss, "MB")}`,
        ratio: "—",
        target: `≤ ${FRAME_TARGET_MS / 1000} s, ≤ ${UI_RSS_TARGET_MB} MB`,
        pass: frame !== null && frame <= FRAME_TARGET_MS && rss <= UI_RSS_TARGET_MB,
      });
    } else {
      rows.push({
        scenario: "browse 1M: okhook ui first frame, RSS",
        baseline: "—",
        okhook: "n/a (command not built yet)",
        ratio: "—",
        target: `≤ ${FRAME_TARGET_MS / 1000} s, ≤ ${UI_RSS_TARGET_MB} MB`,
        pass: "n/a",
      });
    }
    rows.push({
      scenario: "DB size after 1M deliveries",
      baseline: `bodies ${fmt((DELIVERIES * BODY) / 2 ** 30, "GiB", 2)}`,
      okhook: `${fmt(size / 2 ** 30, "GiB", 2)} (${fmt(size / DELIVERIES, "B")}/delivery)`,
      ratio: fmtRatio(size / (DELIVERIES * BODY)),
      target: "report",
      pass: null,
    });
    return {
      rows,
      raw: {
        dbBytes: size,
        generatedMs: genMs === null ? "cached" : round(genMs, 0),
        versionMs: version.map((x) => round(x, 1)),
        deliveriesMs: list.map((x) => round(x, 1)),
        ui: ui.map((r) => ({
          frameMs: round(r.frameMs, 0),
          cpuMs: round(r.cpuMs, 0),
          peakRssMB: round((r.peakRss ?? 0) / MB, 1),
        })),
      },
    };
  },
};
