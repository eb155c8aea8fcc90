// startup: `okhook --help` against `node -e 0`, and which heavy packages `--help` loads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OKHOOK, timeCommand } from "../lib/proc.mjs";
import { fmt, fmtRatio } from "../lib/report.mjs";
import { median, round } from "../lib/stats.mjs";

const PAIRS = 15;
const TARGET = 3;
const HEAVY = [
  "better-sqlite3",
  "undici",
  "ink",
  "react",
  "ajv",
  "chalk",
  "env-paths",
  "picomatch",
];
const MUST_NOT_LOAD = ["better-sqlite3", "undici", "ink", "react"];
const TRACER = new URL("../lib/trace-imports.mjs", import.meta.url).href;

/** Heavy packages a run of the CLI resolves (traced through a module resolve hook). */
async function heavyLoaded(args, tmp) {
  const trace = join(tmp, `trace-${args.join("-")}.txt`);
  await timeCommand(process.execPath, ["--import", TRACER, OKHOOK, ...args], {
    env: { OKHOOK_BENCH_TRACE: trace },
  });
  let urls = "";
  try {
    urls = readFileSync(trace, "utf8");
  } catch {}
  return HEAVY.filter((p) => urls.includes(`/node_modules/${p}/`));
}

export const startup = {
  name: "startup",
  about: "`okhook --help` wall time vs `node -e 0` (and what --help loads)",
  async run(ctx) {
    const node = [];
    const help = [];
    for (let i = 0; i < PAIRS; i++) {
      node.push((await timeCommand(process.execPath, ["-e", "0"])).wallMs);
      const r = await timeCommand(process.execPath, [OKHOOK, "--help"]);
      if (r.code !== 0) throw new Error(`okhook --help exited ${r.code}: ${r.stderr}`);
      help.push(r.wallMs);
    }
    const ratios = help.map((h, i) => h / node[i]);
    const ratio = median(ratios);
    const loads = await heavyLoaded(["--help"], ctx.tmp);
    const bad = loads.filter((p) => MUST_NOT_LOAD.includes(p));
    return {
      rows: [
        {
          scenario: "startup: okhook --help",
          baseline: `node -e 0 ${fmt(median(node), "ms")}`,
          okhook: `${fmt(median(help), "ms")}${loads.length ? ` (loads ${loads.join(", ")})` : ""}`,
          ratio: fmtRatio(ratio),
          target: `≤ ${TARGET}×, no ${MUST_NOT_LOAD.join("/")}`,
          pass: ratio <= TARGET && bad.length === 0,
        },
      ],
      raw: {
        nodeMs: node.map((x) => round(x)),
        helpMs: help.map((x) => round(x)),
        ratios: ratios.map((x) => round(x, 3)),
        heavyLoaded: loads,
      },
    };
  },
};
