// Load generation with autocannon's programmatic API on loopback, bounded in time (or in
// request count). Latencies are collected per response (float ms) for exact percentiles.
import autocannon from "autocannon";
import { percentile } from "./stats.mjs";

/** Per-request timeout: far above any target, so a stuck server shows as timeouts. */
const REQUEST_TIMEOUT_S = 10;

/**
 * Drive `url` with POSTs whose bodies come from `factory.next()` (unique uuids per request).
 * Either `durationS` or `amount` bounds the run. Returns throughput (2xx per second),
 * counts, and ack latency percentiles (ms) as measured by the client.
 */
export async function load({
  url,
  connections = 20,
  durationS,
  amount,
  factory,
  headers,
  method = "POST",
}) {
  const latencies = [];
  const opts = {
    url,
    connections,
    timeout: REQUEST_TIMEOUT_S,
    method,
    headers,
    requests: [{ method, setupRequest: (req) => ({ ...req, body: factory.next() }) }],
  };
  if (amount) opts.amount = amount;
  else opts.duration = durationS;
  const started = performance.now();
  const instance = autocannon(opts);
  instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const r = await instance;
  const seconds = (performance.now() - started) / 1000;
  const ok = r["2xx"];
  return {
    seconds,
    rps: ok / seconds,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.length ? Math.max(...latencies.slice(-1e5)) : null,
    over3s: latencies.filter((l) => l > 3000).length,
  };
}
