import type { ServerResponse } from "node:http";
import { type LoopbackServer, type Received, startServer } from "../helpers/target.js";

/** How the flaky target behaves right now. */
export type FlakyMode = "ok" | "refuse" | "500" | "hang" | "reset" | "slow";

/** Answer delay in `slow` mode (under the forward timeout the test configures). */
export const SLOW_ANSWER_MS = 150;

/** A loopback target whose behaviour the test switches while deliveries flow. */
export interface FlakyTarget {
  url: string;
  /** POSTs seen per mode (a refused connection is never seen). */
  seen: Record<FlakyMode, number>;
  /** Delivery ids (x-okhook-delivery-id) answered with a complete 200, and how often. */
  okById: Map<string, number>;
  setMode: (mode: FlakyMode) => Promise<void>;
  close: () => Promise<void>;
}

/** Start a flaky target on 127.0.0.1 (`refuse` really closes the port: ECONNREFUSED). */
export async function startFlakyTarget(): Promise<FlakyTarget> {
  let mode: FlakyMode = "ok";
  const hanging = new Set<ServerResponse>();
  const seen: Record<FlakyMode, number> = {
    ok: 0,
    refuse: 0,
    "500": 0,
    hang: 0,
    reset: 0,
    slow: 0,
  };
  const okById = new Map<string, number>();
  const answerOk = (req: Received, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok", () => {
      const id = String(req.headers["x-okhook-delivery-id"]);
      if (req.method === "POST") okById.set(id, (okById.get(id) ?? 0) + 1);
    });
  };
  const handler = (req: Received, res: ServerResponse, self: LoopbackServer) => {
    const m = mode;
    if (req.method === "POST") seen[m]++;
    if (m === "hang") return void hanging.add(res);
    if (m === "500") return void res.writeHead(500).end("boom");
    if (m === "reset") {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
      return void setImmediate(() => res.socket?.destroy());
    }
    if (m === "slow") return self.later(() => answerOk(req, res), SLOW_ANSWER_MS);
    answerOk(req, res);
  };
  let server: LoopbackServer | undefined;
  const listen = async (port: number) => {
    server = await startServer(handler, { port, keepAliveTimeoutMs: 10_000 });
    return server.port;
  };
  const shut = async () => {
    const s = server;
    server = undefined;
    for (const res of hanging) res.destroy();
    hanging.clear();
    await s?.close();
  };
  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}/hook`,
    seen,
    okById,
    setMode: async (next) => {
      if (next === "refuse" && server) await shut();
      if (mode === "hang" && next !== "hang") {
        for (const res of hanging) res.destroy();
        hanging.clear();
      }
      if (next !== "refuse" && !server) await listen(port);
      mode = next;
    },
    close: shut,
  };
}
