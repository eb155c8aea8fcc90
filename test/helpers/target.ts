import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** A request the loopback target received. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

/** How the target answers one request. */
export interface Answer {
  status?: number;
  delayMs?: number;
  body?: string;
  /** Drop the connection without answering. */
  destroy?: boolean;
}

/** A real node:http target on 127.0.0.1:0 that records requests and answers as scripted. */
export interface Target {
  url: string;
  port: number;
  received: Received[];
  /** POSTs only (health probes are HEAD). */
  posts: () => Received[];
  setAnswer: (fn: (req: Received, n: number) => Answer) => void;
  close: () => Promise<void>;
}

/** The one loopback HTTP server of the tests: what every target and receiver is built on. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** Every request, body read whole, in arrival order. */
  received: Received[];
  /** setTimeout that `close()` clears (for deliberately slow answers). */
  later: (fn: () => void, ms: number) => void;
  close: () => Promise<void>;
}

const servers = new Set<LoopbackServer>();

/** Where a loopback server listens and how long it keeps idle connections. */
export interface ServerOptions {
  /** Default 0: any free port (pass the old one to come back on it after a close). */
  port?: number;
  /** node:http's default (5 s) unless given. */
  keepAliveTimeoutMs?: number;
}

/**
 * A real node:http server on 127.0.0.1 (port 0 unless given) that records each request and
 * hands it, body read, to `handle`. Closed by `close()` or `closeTargets()`.
 */
export async function startServer(
  handle: (req: Received, res: ServerResponse, server: LoopbackServer) => void,
  { port = 0, keepAliveTimeoutMs }: ServerOptions = {},
): Promise<LoopbackServer> {
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      received.push(r);
      handle(r, res, loopback);
    });
  });
  if (keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = keepAliveTimeoutMs;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  const loopback: LoopbackServer = {
    origin: `http://127.0.0.1:${bound}`,
    port: bound,
    received,
    later: (fn, ms) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    },
    close: async () => {
      if (!servers.delete(loopback)) return;
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.add(loopback);
  return loopback;
}

/** Start a target answering 200 by default (`headDelayMs`: how long health probes wait). */
export async function startTarget(
  path = "/hook",
  answer?: (req: Received, n: number) => Answer,
  listenPort = 0,
  headDelayMs = 0,
): Promise<Target> {
  let respond = answer ?? (() => ({ status: 200 }));
  const srv = await startServer(
    (r, res, self) => {
      const n = self.received.filter((x) => x.method !== "HEAD").length;
      const a: Answer = r.method === "HEAD" ? { status: 200, delayMs: headDelayMs } : respond(r, n);
      const send = () => {
        if (a.destroy) return res.socket?.destroy();
        res.writeHead(a.status ?? 200, { "content-type": "text/plain" });
        res.end(a.body ?? "");
      };
      if (a.delayMs) self.later(send, a.delayMs);
      else send();
    },
    { port: listenPort },
  );
  return {
    url: `${srv.origin}${path}`,
    port: srv.port,
    received: srv.received,
    posts: () => srv.received.filter((r) => r.method === "POST"),
    setAnswer: (fn) => {
      respond = fn;
    },
    close: srv.close,
  };
}

/** Close every loopback server still open (targets, receivers). */
export async function closeTargets(): Promise<void> {
  await Promise.all([...servers].map((s) => s.close()));
}

/** A port nothing listens on (bound then released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
