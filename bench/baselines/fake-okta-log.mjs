// A bench-only fake Okta System Log (`GET /api/v1/logs`) holding N deterministic events
// (bench/lib/syslog.mjs), with Okta's paging contract (okta-reference §5): since/until
// bounded queries in published order, limit <= 1000, opaque `after` cursors, `link:` self and
// next as separate header lines, X-Rate-Limit-* and Date headers, SSWS/Bearer auth, and
// `eventType eq|sw "…"` filters joined by `or`. Pages are pre-serialised JSON so that the
// fake costs little CPU and the reconcile floor is the client's work, not the server's.
// (The test fake, test/helpers/fake-okta.ts, filters and sorts the whole log on every page:
// right for correctness tests, far too slow for 400,000 events.)
// Usage: node fake-okta-log.mjs <token> <count> <uuidPrefix> <startMs> <spacingMs>
import { createServer } from "node:http";
import { fullEvent } from "../lib/syslog.mjs";

const [token, countRaw, prefix, startRaw, spacingRaw] = process.argv.slice(2);
const o = { prefix, startMs: Number(startRaw), spacingMs: Number(spacingRaw) };
const count = Number(countRaw);
const json = new Array(count);
const published = new Float64Array(count);
const types = new Array(count);
for (let i = 0; i < count; i++) {
  const e = fullEvent(o, i);
  json[i] = JSON.stringify(e);
  published[i] = Date.parse(e.published);
  types[i] = e.eventType;
}
const RATE_LIMIT = 100_000;
let remaining = RATE_LIMIT;
const resetAt = () => Math.floor(Date.now() / 1000) + 60;

function oktaError(res, status, code, summary) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      errorCode: code,
      errorSummary: summary,
      errorLink: code,
      errorId: "oaebench",
      errorCauses: [],
    }),
  );
}

/** First index with published >= t. */
function lowerBound(t) {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (published[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const selections = new Map();

/** Indexes of events matching the query's window and filter (cached per query). */
function select(since, until, filter) {
  const key = `${since}|${until}|${filter}`;
  let sel = selections.get(key);
  if (sel) return sel;
  const lo = lowerBound(since);
  const hi = lowerBound(until);
  if (!filter) sel = { lo, hi, idx: null };
  else {
    const match = compileFilter(filter);
    const idx = [];
    for (let i = lo; i < hi; i++) if (match(types[i])) idx.push(i);
    sel = { lo: 0, hi: idx.length, idx };
  }
  selections.set(key, sel);
  return sel;
}

function compileFilter(filter) {
  const terms = filter
    .replace(/[()]/g, " ")
    .split(/\s+or\s+/i)
    .map((t) => /^\s*eventType\s+(eq|sw)\s+"([^"]*)"\s*$/i.exec(t));
  if (terms.some((m) => !m))
    throw new Error(`bench fake supports only eventType eq|sw "…" joined by or: ${filter}`);
  return (type) =>
    terms.some(([, op, v]) => (op.toLowerCase() === "eq" ? type === v : type.startsWith(v)));
}

const server = createServer((req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const [scheme, value] = (req.headers.authorization ?? "").split(" ");
  if (!["SSWS", "Bearer"].includes(scheme) || value !== token)
    return oktaError(res, 401, "E0000011", "Invalid token provided");
  if (url.pathname !== "/api/v1/logs" || req.method !== "GET")
    return oktaError(res, 404, "E0000007", `Not found: ${url.pathname}`);
  const p = url.searchParams;
  const until = p.has("until") ? Date.parse(p.get("until")) : Date.now();
  const since = p.has("since") ? Date.parse(p.get("since")) : until - 7 * 86_400_000;
  const limit = Math.min(1000, Number(p.get("limit") ?? 100));
  if (!Number.isFinite(since) || !Number.isFinite(until) || !Number.isInteger(limit) || limit < 1) {
    return oktaError(res, 400, "E0000053", "Invalid request.");
  }
  if ((p.get("sortOrder") ?? "ASCENDING") !== "ASCENDING")
    return oktaError(res, 400, "E0000053", "bench fake: ASCENDING only");
  let sel;
  try {
    sel = select(since, until, p.get("filter"));
  } catch (err) {
    return oktaError(res, 400, "E0000053", err.message);
  }
  const after = p.has("after")
    ? Number(Buffer.from(p.get("after"), "base64url").toString())
    : sel.lo;
  const end = Math.min(sel.hi, after + limit);
  let body = "[";
  for (let k = after; k < end; k++) body += (k > after ? "," : "") + json[sel.idx ? sel.idx[k] : k];
  body += "]";
  const self = `http://${req.headers.host}${req.url}`;
  const links = [`<${self}>; rel="self"`];
  if (end < sel.hi) {
    const next = new URL(self);
    next.searchParams.set("after", Buffer.from(String(end)).toString("base64url"));
    links.push(`<${next}>; rel="next"`);
  }
  remaining = Math.max(1, remaining - 1);
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    link: links,
    "x-rate-limit-limit": String(RATE_LIMIT),
    "x-rate-limit-remaining": String(remaining),
    "x-rate-limit-reset": String(resetAt()),
    date: new Date().toUTCString(),
  });
  res.end(body);
});
server.keepAliveTimeout = 10_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
