import { afterEach, describe, expect, it } from "vitest";
import { ConnectionCount, LOG_WINS_MS } from "../../src/tunnel/connection-count.js";
import { closeTargets, startServer } from "../helpers/target.js";
import { waitFor } from "../helpers/wait.js";

/** A metrics server whose `/ready` says `ready.n` registered connections, as cloudflared's does. */
async function metrics(n: number) {
  const ready = { n, asked: 0 };
  const srv = await startServer((_req, res) => {
    ready.asked += 1;
    res.writeHead(ready.n > 0 ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: ready.n > 0 ? 200 : 503, readyConnections: ready.n }));
  });
  return { ready, address: `127.0.0.1:${srv.port}` };
}

const counts: ConnectionCount[] = [];

function watched(address: string) {
  const seen: number[] = [];
  const c = new ConnectionCount((n) => seen.push(n));
  counts.push(c);
  c.metricsAt(address);
  c.registered(0);
  c.watch();
  return { c, seen };
}

afterEach(async () => {
  for (const c of counts.splice(0)) c.close();
  await closeTargets();
});

describe("ConnectionCount", () => {
  it("says a drop cloudflared logged at once, even while /ready still counts the old connection", async () => {
    const m = await metrics(1);
    const { c, seen } = watched(m.address);
    c.ended(0);
    expect(seen).toEqual([0]);
    // /ready answers 1 (stale, or already reconnected without its line yet): the log wins for a while
    await waitFor(() => m.ready.asked >= 1, { what: "a /ready probe after the drop" });
    expect(seen).toEqual([0]);
    c.registered(0);
    expect(seen).toEqual([0, 1]);
  });

  it("believes /ready about a drop cloudflared never logged", async () => {
    const m = await metrics(1);
    const { seen } = watched(m.address);
    m.ready.n = 0;
    await waitFor(() => seen.length > 0, { timeoutMs: 5_000, what: "the unlogged drop" });
    expect(seen).toEqual([0]);
    m.ready.n = 1;
    await waitFor(() => seen.length > 1, { timeoutMs: 5_000, what: "the unlogged reconnect" });
    expect(seen).toEqual([0, 1]);
  });

  it("lets /ready correct the log once the log's news is older than LOG_WINS_MS", async () => {
    const m = await metrics(1);
    const { c, seen } = watched(m.address);
    c.ended(0); // logged drop; cloudflared then reconnects without a Registered line
    expect(seen).toEqual([0]);
    await waitFor(() => seen.length > 1, {
      timeoutMs: LOG_WINS_MS + 3_000,
      what: "/ready's count after the log's window",
    });
    expect(seen).toEqual([0, 1]);
  });
});
