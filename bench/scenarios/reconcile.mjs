// reconcile: 400,000 System Log events (fake Okta on loopback) vs ~400,000 stored receipts
// (1 % missing, 0.5 % duplicated). Floor: a bare undici loop paging the same fake. Measured:
// the reconcile core (OktaClient + diffEvents + SQLite lookups, runnable today) and, once it
// exists, the `okhook reconcile` command (wall <= 1.5x floor, peak RSS <= 300 MB, correct).
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fillDb } from "../lib/gen-db.mjs";
import { BASELINES, commandExists, OKHOOK, startScript, timeCommand } from "../lib/proc.mjs";
import { fmt, fmtRatio } from "../lib/report.mjs";
import { median, round } from "../lib/stats.mjs";
import { eventCore } from "../lib/syslog.mjs";

const EVENTS = 400_000;
const SPACING_MS = 20;
const MISSING_EVERY = 100; // 1 %
const DUPLICATE_EVERY = 200; // 0.5 %
const WALL_TARGET = 1.5;
const RSS_TARGET_MB = 300;
const TOKEN = "bench-okta-token-not-secret";
const MB = 2 ** 20;

const isMissing = (i) => i % MISSING_EVERY === 50;
const isDuplicated = (i) => i % DUPLICATE_EVERY === 7;

/** Stored deliveries of two events each; duplicated events arrive again in later deliveries. */
function localDeliveries(o) {
  const kept = [];
  const dups = [];
  for (let i = 0; i < EVENTS; i++) {
    if (isMissing(i)) continue;
    kept.push(i);
    if (isDuplicated(i)) dups.push(i);
  }
  const pairs = (list, delayMs) => {
    const out = [];
    for (let k = 0; k < list.length; k += 2) out.push({ events: list.slice(k, k + 2), delayMs });
    return out;
  };
  return [...pairs(kept, 1500), ...pairs(dups, 30_000)].map((d) => {
    const events = d.events.map((i) => ({
      ...eventCore(o, i),
      displayMessage: "Create Okta user",
      actor: { alternateId: "dana.admin@example.com" },
    }));
    const body = JSON.stringify({
      eventType: "com.okta.event_hook",
      eventId: events[0].uuid,
      data: { events },
    });
    return { body, receivedAt: Date.parse(events[0].published) + d.delayMs };
  });
}

const expected = () => ({
  inLog: EVENTS,
  missing: EVENTS / MISSING_EVERY,
  duplicated: EVENTS / DUPLICATE_EVERY,
  unexpected: 0,
  late: 0,
});

function correct(counts) {
  if (!counts) return false;
  return Object.entries(expected()).every(([k, v]) => counts[k] === v);
}

export async function setup(ctx) {
  const startMs = Math.floor((Date.now() - 3 * 3600_000) / 1000) * 1000;
  const o = { prefix: randomBytes(4).toString("hex"), startMs, spacingMs: SPACING_MS };
  const db = join(ctx.tmp, "reconcile.db");
  const deliveries = localDeliveries(o);
  const ms = fillDb(db, {
    count: deliveries.length,
    bodyAt: (j) => deliveries[j].body,
    receivedAt: (j) => deliveries[j].receivedAt,
  });
  ctx.log(`  local DB: ${deliveries.length} deliveries in ${Math.round(ms)} ms`);
  const fake = await startScript("fake-okta-log.mjs", [
    TOKEN,
    String(EVENTS),
    o.prefix,
    String(startMs),
    String(SPACING_MS),
  ]);
  const since = new Date(startMs).toISOString();
  const until = new Date(startMs + EVENTS * SPACING_MS).toISOString();
  return { db, fake, since, until };
}

const env = { OKTA_API_TOKEN: TOKEN, OKTA_ACCESS_TOKEN: "" };

async function floorRun(s) {
  const r = await timeCommand(
    process.execPath,
    [`${BASELINES}undici-pager.mjs`, s.fake.url, s.since, s.until],
    { env },
  );
  const out = JSON.parse(r.stdout || "{}");
  if (r.code !== 0 || out.events !== EVENTS)
    throw new Error(`floor paging failed (${r.code}): ${r.stderr || r.stdout}`);
  return r;
}

async function coreRun(s) {
  const script = join(BASELINES, "..", "lib", "reconcile-core.mjs");
  const r = await timeCommand(process.execPath, [script, s.fake.url, s.db, s.since, s.until], {
    env,
  });
  if (r.code !== 0) throw new Error(`reconcile core failed (${r.code}): ${r.stderr}`);
  return { ...r, counts: JSON.parse(r.stdout) };
}

async function cliRun(s) {
  const args = [
    OKHOOK,
    "reconcile",
    "--org",
    s.fake.url,
    "--since",
    s.since,
    "--until",
    s.until,
    "--json",
    "--db",
    s.db,
  ];
  const r = await timeCommand(process.execPath, args, { env: { ...env, NO_COLOR: "1" } });
  let counts = null;
  try {
    const doc = JSON.parse(r.stdout);
    counts = doc.counts ?? doc.summary ?? doc;
  } catch {}
  return { ...r, counts };
}

function rows(runs, hasCli) {
  const floor = median(runs.map((r) => r.floor.wallMs));
  const out = [];
  const add = (label, key) => {
    const wall = median(runs.map((r) => r[key].wallMs));
    const ratio = median(runs.map((r) => r[key].wallMs / r.floor.wallMs));
    const rss = Math.max(...runs.map((r) => r[key].peakRss)) / MB;
    const ok = runs.every((r) => correct(r[key].counts));
    out.push(
      {
        scenario: `reconcile 400k: wall (${label})`,
        baseline: `undici floor ${fmt(floor / 1000, "s", 2)}`,
        okhook: fmt(wall / 1000, "s", 2),
        ratio: fmtRatio(ratio),
        target: `≤ ${WALL_TARGET.toFixed(2)}× floor`,
        pass: ratio <= WALL_TARGET,
      },
      {
        scenario: `reconcile 400k: peak RSS, report (${label})`,
        baseline: `floor ${fmt(Math.max(...runs.map((r) => r.floor.peakRss)) / MB, "MB")}`,
        okhook: `${fmt(rss, "MB")}, ${ok ? "correct" : "WRONG counts"}`,
        ratio: "—",
        target: `≤ ${RSS_TARGET_MB} MB, correct`,
        pass: rss <= RSS_TARGET_MB && ok,
      },
    );
  };
  if (hasCli) add("okhook reconcile", "cli");
  else {
    for (const what of ["wall", "peak RSS, report"]) {
      out.push({
        scenario: `reconcile 400k: ${what} (okhook reconcile)`,
        baseline: `undici floor ${fmt(floor / 1000, "s", 2)}`,
        okhook: "n/a (command not built yet)",
        ratio: "—",
        target:
          what === "wall" ? `≤ ${WALL_TARGET.toFixed(2)}× floor` : `≤ ${RSS_TARGET_MB} MB, correct`,
        pass: "n/a",
      });
    }
  }
  if (runs[0].core) add("core: client+diff+SQLite", "core");
  return out;
}

export const reconcile = {
  name: "reconcile",
  about: `${EVENTS.toLocaleString("en-US")} System Log events vs local receipts, fake Okta on loopback`,
  async run(ctx) {
    const hasCli = await commandExists("reconcile");
    const s = await setup(ctx);
    const runs = [];
    try {
      for (let i = 0; i < ctx.runs; i++) {
        const run = { floor: await floorRun(s) };
        // The core (no CLI) stands in until the command exists; with both, only on request.
        if (!hasCli || ctx.args.includes("--core")) run.core = await coreRun(s);
        if (hasCli) run.cli = await cliRun(s);
        runs.push(run);
        ctx.log(
          `  run ${i + 1}: floor ${Math.round(run.floor.wallMs)} ms` +
            (run.core
              ? `; core ${Math.round(run.core.wallMs)} ms ${round(run.core.peakRss / MB, 0)} MB`
              : "") +
            (hasCli
              ? `; okhook reconcile ${Math.round(run.cli.wallMs)} ms ${round(run.cli.peakRss / MB, 0)} MB exit ${run.cli.code}`
              : ""),
        );
      }
    } finally {
      await s.fake.stop();
    }
    const keep = (r) =>
      r && {
        wallMs: round(r.wallMs, 0),
        peakRssMB: round(r.peakRss / MB, 1),
        code: r.code,
        counts: r.counts,
      };
    return {
      rows: rows(runs, hasCli),
      raw: {
        expected: expected(),
        runs: runs.map((r) => ({ floor: keep(r.floor), core: keep(r.core), cli: keep(r.cli) })),
      },
    };
  },
};
