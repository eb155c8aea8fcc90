import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
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

const open = new Set<Target>();

/** Start a target answering 200 by default (`headDelayMs`: how long health probes wait). */
export async function startTarget(
  path = "/hook",
  answer?: (req: Received, n: number) => Answer,
  listenPort = 0,
  headDelayMs = 0,
): Promise<Target> {
  let respond = answer ?? (() => ({ status: 200 }));
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
      const a: Answer =
        req.method === "HEAD"
          ? { status: 200, delayMs: headDelayMs }
          : respond(r, received.filter((x) => x.method !== "HEAD").length);
      const send = () => {
        if (a.destroy) return req.socket.destroy();
        res.writeHead(a.status ?? 200, { "content-type": "text/plain" });
        res.end(a.body ?? "");
      };
      if (a.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, a.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(listenPort, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const t: Target = {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    posts: () => received.filter((r) => r.method === "POST"),
    setAnswer: (fn) => {
      respond = fn;
    },
    close: async () => {
      open.delete(t);
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  open.add(t);
  return t;
}

/** Close every target still open. */
export async function closeTargets(): Promise<void> {
  await Promise.all([...open].map((t) => t.close()));
}

/** A port nothing listens on (bound then released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
