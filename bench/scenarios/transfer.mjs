// transfer: the 1M-delivery browse database exported (NDJSON, HAR) and imported back into a
// fresh database, each with its peak RSS (target ≤ 200 MB: export and import stream, one
// page or line at a time). Baseline: reading the database file once (`cat > /dev/null`).
// NDJSON export and import run ctx.runs times; HAR (the larger, slower pair) once.
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { queryDb } from "../lib/db-read.mjs";
import { OKHOOK, timeCommand } from "../lib/proc.mjs";
import { fmt, fmtRatio } from "../lib/report.mjs";
import { median, round } from "../lib/stats.mjs";
import { database } from "./browse.mjs";

const RSS_TARGET_MB = 200;
const MB = 2 ** 20;

async function okhook(ctx, args) {
  const r = await timeCommand(process.execPath, [OKHOOK, ...args], { env: { NO_COLOR: "1" } });
  if (r.code !== 0) throw new Error(`okhook ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  ctx.log(
    `  okhook ${args[0]} ${args[1]}: ${round(r.wallMs / 1000, 1)} s, peak RSS ${round(r.peakRss / MB, 0)} MB`,
  );
  return r;
}

/** Export to `file` and import it into a fresh database: wall times, peak RSS, rows imported. */
async function pair(ctx, src, format) {
  const file = join(ctx.tmp, `capture.${format}`);
  const fresh = join(ctx.tmp, `imported-${format}.db`);
  const exp = await okhook(ctx, ["export", "--db", src, "--format", format, "--out", file]);
  const bytes = statSync(file).size;
  const imp = await okhook(ctx, ["import", file, "--db", fresh, "--json"]);
  const imported = JSON.parse(imp.stdout).deliveries;
  const [{ n }] = queryDb(fresh, "SELECT COUNT(*) AS n FROM deliveries");
  for (const f of [file, fresh, `${fresh}-wal`, `${fresh}-shm`]) rmSync(f, { force: true });
  return {
    exportMs: exp.wallMs,
    exportRss: exp.peakRss,
    importMs: imp.wallMs,
    importRss: imp.peakRss,
    bytes,
    imported,
    stored: n,
  };
}

function rowsFor(label, runs, baselineMs, total) {
  const rss = Math.max(...runs.flatMap((r) => [r.exportRss, r.importRss])) / MB;
  const whole = runs.every((r) => r.imported === total && r.stored === total);
  const exportMs = median(runs.map((r) => r.exportMs));
  const importMs = median(runs.map((r) => r.importMs));
  return [
    {
      scenario: `transfer 1M: export --format ${label}`,
      baseline: `read DB ${fmt(baselineMs, "ms")}`,
      okhook: `${fmt(exportMs / 1000, "s", 1)}, ${fmt(Math.max(...runs.map((r) => r.exportRss)) / MB, "MB")}, ${fmt(runs[0].bytes / 2 ** 30, "GiB", 2)}`,
      ratio: fmtRatio(exportMs / baselineMs),
      target: `RSS ≤ ${RSS_TARGET_MB} MB`,
      pass: Math.max(...runs.map((r) => r.exportRss)) / MB <= RSS_TARGET_MB,
    },
    {
      scenario: `transfer 1M: import ${label} (fresh db)`,
      baseline: "—",
      okhook: `${fmt(importMs / 1000, "s", 1)}, ${fmt(Math.max(...runs.map((r) => r.importRss)) / MB, "MB")}`,
      ratio: "—",
      target: `RSS ≤ ${RSS_TARGET_MB} MB, all rows`,
      pass: rss <= RSS_TARGET_MB && whole,
    },
  ];
}

export const transfer = {
  name: "transfer",
  aliases: ["export", "import"],
  // ~35 min: not part of a plain `npm run bench`; run it with `npm run bench -- transfer`
  optIn: true,
  about: "1M-delivery database: export NDJSON/HAR, import into a fresh db, peak RSS",
  async run(ctx) {
    const { file } = await database(ctx);
    const [{ n: total }] = queryDb(file, "SELECT COUNT(*) AS n FROM deliveries");
    const read = await timeCommand("sh", ["-c", `cat '${file}' > /dev/null`]);
    const ndjson = [];
    for (let i = 0; i < ctx.runs; i++) ndjson.push(await pair(ctx, file, "ndjson"));
    const har = [await pair(ctx, file, "har")];
    const raw = (runs) =>
      runs.map((r) => ({
        exportMs: round(r.exportMs, 0),
        exportRssMB: round(r.exportRss / MB, 1),
        importMs: round(r.importMs, 0),
        importRssMB: round(r.importRss / MB, 1),
        bytes: r.bytes,
        imported: r.imported,
      }));
    return {
      rows: [
        ...rowsFor("ndjson", ndjson, read.wallMs, total),
        ...rowsFor("har", har, read.wallMs, total),
      ],
      raw: {
        deliveries: total,
        readDbMs: round(read.wallMs, 0),
        ndjson: raw(ndjson),
        har: raw(har),
      },
    };
  },
};
