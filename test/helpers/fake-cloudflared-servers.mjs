// The two servers of the fake cloudflared: the "public" side (a loopback HTTP proxy playing the
// edge, answering 530 / error code 1033 while no connection is registered, as Cloudflare does)
// and the metrics server (`/ready`, `/quicktunnel`, `/healthcheck`, shaped like cloudflared's
// metrics/readiness.go answers).
import { randomBytes } from "node:crypto";
import http from "node:http";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "proxy-authenticate",
  "proxy-authorization",
]);
const MAX_IN_FLIGHT = 200;

/** Start the public-side proxy; `connected()` says whether a connection is registered. */
export function startProxy({ origin, hostname, connected, onOriginError }) {
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    if (!connected()) {
      res.writeHead(530, { "content-type": "text/plain; charset=UTF-8" }).end("error code: 1033");
      return;
    }
    if (inFlight >= MAX_IN_FLIGHT) {
      res.writeHead(429, { "content-type": "text/plain" }).end("429 Too Many Requests");
      return;
    }
    inFlight++;
    res.on("close", () => inFlight--);
    forward(req, res, { origin, hostname, onOriginError });
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function forward(req, res, { origin, hostname, onOriginError }) {
  const target = new URL(req.url || "/", origin);
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
  const ray = `${randomBytes(8).toString("hex")}-LAX`;
  Object.assign(headers, {
    host: hostname,
    "cf-connecting-ip": req.socket.remoteAddress ?? "127.0.0.1",
    "x-forwarded-for": req.socket.remoteAddress ?? "127.0.0.1",
    "x-forwarded-proto": "https",
    "cf-ray": ray,
    "cf-visitor": '{"scheme":"https"}',
    "cdn-loop": "cloudflare",
  });
  const upstream = http.request(target, { method: req.method, headers }, (up) => {
    const back = {};
    for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k)) back[k] = v;
    res.writeHead(up.statusCode ?? 502, back);
    up.pipe(res);
  });
  upstream.on("error", (err) => {
    onOriginError(err, ray);
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/html" });
    res.end("<!DOCTYPE html><title>Bad gateway</title><h1>Error 502</h1>");
  });
  req.pipe(upstream);
}

/** Start the metrics server on `address` (`host:port`, port 0 = any); resolves with it. */
export function startMetrics({ address, connectorId, hostname, readyConnections }) {
  const at = address.lastIndexOf(":");
  const host = address.slice(0, at) || "127.0.0.1";
  const port = Number(address.slice(at + 1) || 0);
  const server = http.createServer((req, res) => {
    const json = (status, body) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/ready") {
      const n = readyConnections();
      const status = n > 0 ? 200 : 503;
      return json(status, { status, readyConnections: n, connectorId });
    }
    if (req.url === "/quicktunnel") return json(200, { hostname });
    if (req.url === "/healthcheck") return res.writeHead(200).end("OK\n");
    res.writeHead(404).end("404 page not found\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
