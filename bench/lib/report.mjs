// The one table `npm run bench` prints, and bench/results.json.
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

/** Format a number with a unit for the table. */
export function fmt(value, unit, digits = 0) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const n = value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return unit ? `${n} ${unit}` : n;
}

/** A ratio for the table: `0.93×`. */
export function fmtRatio(r) {
  return r === null || r === undefined || !Number.isFinite(r) ? "—" : `${r.toFixed(2)}×`;
}

function verdict(pass) {
  if (pass === true) return "pass";
  if (pass === false) return "FAIL";
  if (pass === "n/a") return "n/a";
  return "info";
}

/** Render rows as a fixed-width text table (also valid Markdown). */
export function renderTable(rows) {
  const head = ["scenario", "baseline", "okhook", "ratio", "target", "result"];
  const body = rows.map((r) => [
    r.scenario,
    r.baseline,
    r.okhook,
    r.ratio,
    r.target,
    verdict(r.pass),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
  return [
    line(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...body.map(line),
  ].join("\n");
}

/** Machine and version facts recorded with every run. */
export function machineInfo(okhookVersion) {
  const c = cpus();
  return {
    date: new Date().toISOString(),
    okhookVersion,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: c.length,
    cpuModel: c[0]?.model ?? "unknown",
    totalMemMB: Math.round(totalmem() / 2 ** 20),
    loadavgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Write bench/results.json. */
export function writeResults(file, doc) {
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}
