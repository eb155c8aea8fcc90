// A loopback app that okhook forwards to (or replay sends to): reads the body and answers
// 200, optionally after sleeping. GET /__stats answers {"posts": n} (POSTs received).
// Usage: node target.mjs [sleepMs] [port]
import { createServer } from "node:http";

const sleepMs = Number(process.argv[2] ?? 0);
let posts = 0;
const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/__stats") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ posts }));
    return;
  }
  req.on("data", () => {});
  req.on("end", () => {
    if (req.method === "POST") posts++;
    const answer = () => {
      if (res.destroyed) return;
      res.writeHead(200, { "content-length": "0" });
      res.end();
    };
    if (sleepMs > 0 && req.method === "POST") setTimeout(answer, sleepMs);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[3] ?? 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
