#!/usr/bin/env node
// A stand-in for cloudflared in tests: prints cloudflared's real stderr lines (same prefixes,
// same order) and runs a loopback HTTP proxy playing the "public" trycloudflare URL.
//
// Usage: fake-cloudflared.mjs tunnel [--no-autoupdate] --url <origin>
//        fake-cloudflared.mjs tunnel [--no-autoupdate] run [--token <t>]   (or TUNNEL_TOKEN)
// Env:   FAKE_CLOUDFLARED_MODE      ok (default) | fail | slow | noregister | crash-after
//        FAKE_CLOUDFLARED_DELAY_MS  registration delay in `slow` mode (default 1000)
//        FAKE_CLOUDFLARED_CRASH_MS  time after registration before `crash-after` exits 1 (default 500)
//        FAKE_CLOUDFLARED_STATE_DIR write <hostname>.json = {proxy, pid} there while running
//        FAKE_CLOUDFLARED_EXTRA_LINES  print this many filler INF lines after registering
//        FAKE_CLOUDFLARED_ECHO_TOKEN   "1": log the token in clear (as a careless build might)
//        FAKE_CLOUDFLARED_HOSTNAME  hostname used in token mode (default named-tunnel.example.com)
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";

const env = process.env;
const mode = env.FAKE_CLOUDFLARED_MODE || "ok";
const WORDS = [
  "buffalo",
  "marco",
  "cardiff",
  "motel",
  "symantec",
  "transferred",
  "lock",
  "revenues",
  "lemon",
  "harbor",
  "quiet",
  "orbit",
  "violet",
  "canyon",
  "signal",
  "ember",
  "maple",
  "tundra",
];
const DISCLAIMER =
  "Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee, are subject to the Cloudflare Online Services Terms of Use (https://www.cloudflare.com/website-terms/), and Cloudflare reserves the right to investigate your use of Tunnels for violations of such terms. If you intend to use Tunnels in production you should use a pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-apps";
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
const EDGE_IP = "198.41.192.7";

const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
const log = (level, msg) => process.stderr.write(`${stamp()} ${level} ${msg}\n`);
const info = (msg) => log("INF", msg);
const pick = () => WORDS[Math.floor(Math.random() * WORDS.length)];
const after = (ms, fn) => setTimeout(fn, ms);

function parseArgs(argv) {
  const out = { tunnel: false, run: false, url: undefined, token: env.TUNNEL_TOKEN, flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.startsWith("--") ? a.slice(2).split(/=(.*)/s) : [undefined];
    if (a === "tunnel" && !out.tunnel) out.tunnel = true;
    else if (a === "run") out.run = true;
    else if (name === "no-autoupdate") out.flags["no-autoupdate"] = true;
    else if (name === "url" || name === "token") {
      const value = inline ?? argv[++i];
      out[name] = value;
      out.flags[name] = value;
    } else {
      process.stderr.write(`Incorrect Usage: flag provided but not defined: ${a}\n`);
      process.exit(1);
    }
  }
  return out;
}

function box(lines) {
  const width = Math.max(...lines.map((l) => l.length));
  const border = `+${"-".repeat(width + 4)}+`;
  return [border, ...lines.map((l) => `|  ${l}${" ".repeat(width - l.length)}  |`), border];
}

function validToken(token) {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
    return typeof parsed.t === "string" && typeof parsed.a === "string";
  } catch {
    return false;
  }
}

function startProxy(origin, hostname) {
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    if (inFlight >= MAX_IN_FLIGHT) {
      res.writeHead(429, { "content-type": "text/plain" }).end("429 Too Many Requests");
      return;
    }
    inFlight++;
    res.on("close", () => inFlight--);
    forward(req, res, origin, hostname);
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function forward(req, res, origin, hostname) {
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
    log(
      "ERR",
      ` error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: ${err.message}" cfRay=${ray} event=1 ingressRule=0 originService=${origin}`,
    );
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/html" });
    res.end("<!DOCTYPE html><title>Bad gateway</title><h1>Error 502</h1>");
  });
  req.pipe(upstream);
}

function startupLines(args) {
  info(
    "Cannot determine default configuration path. No file [config.yml config.yaml] in [~/.cloudflared ~/.cloudflare-warp ~/cloudflare-warp /etc/cloudflared /usr/local/etc/cloudflared]",
  );
  info(`Version 2026.11.0 (Checksum ${randomBytes(32).toString("hex")})`);
  info(`GOOS: ${process.platform}, GOVersion: go1.24.9, GoArch: amd64`);
  const settings = Object.entries({
    ...args.flags,
    ...(args.run ? {} : { "ha-connections": 1, protocol: "quic" }),
  })
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([k, v]) => `${k}:${k === "token" && env.FAKE_CLOUDFLARED_ECHO_TOKEN !== "1" ? "*****" : v}`,
    );
  info(`Settings: map[${settings.join(" ")}]`);
  if (env.TUNNEL_TOKEN) {
    const shown = env.FAKE_CLOUDFLARED_ECHO_TOKEN === "1" ? env.TUNNEL_TOKEN : "*****";
    info(`Environmental variables map[TUNNEL_TOKEN:${shown}]`);
  }
  info(`Generated Connector ID: ${randomUUID()}`);
  info("Initial protocol quic");
  info("ICMP proxy will use 127.0.0.1 as source for IPv4");
  info("ICMP proxy will use ::1 in zone lo as source for IPv6");
  info("Starting metrics server on 127.0.0.1:20241/metrics");
}

function registerLines(connections) {
  const pending = [];
  for (let i = 0; i < connections; i++) {
    info(
      `Tunnel connection curve preferences: [X25519MLKEM768 CurveP256] connIndex=${i} event=0 ip=${EDGE_IP}`,
    );
    pending.push(
      `Registered tunnel connection connIndex=${i} connection=${randomUUID()} event=0 ip=${EDGE_IP} location=lax0${i + 1} protocol=quic`,
    );
  }
  for (const line of pending) info(line);
  const extra = Number(env.FAKE_CLOUDFLARED_EXTRA_LINES || 0);
  for (let i = 0; i < extra; i++) info(`okhook-fake filler n=${i}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.tunnel || (!args.run && !args.url)) {
    process.stderr.write(
      "fake-cloudflared: expected `tunnel --url <url>` or `tunnel run --token <t>`\n",
    );
    process.exit(1);
  }
  if (args.run && !validToken(args.token ?? "")) {
    process.stderr.write(
      "Provided Tunnel token is not valid.\nSee 'cloudflared tunnel run --help'.\n",
    );
    process.exit(255);
  }
  let hostname = env.FAKE_CLOUDFLARED_HOSTNAME || "named-tunnel.example.com";
  if (!args.run) {
    info(DISCLAIMER);
    info("Requesting new quick Tunnel on trycloudflare.com...");
    if (mode === "fail") {
      after(50, () => {
        process.stderr.write(
          'failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com: no such host\n',
        );
        process.exit(1);
      });
      return;
    }
    hostname = `${pick()}-${pick()}-${pick()}-${randomBytes(2).toString("hex")}.trycloudflare.com`;
    for (const line of box([
      "Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):",
      `https://${hostname}`,
    ]))
      info(line);
  } else {
    info(`Starting tunnel tunnelID=${randomUUID()}`);
  }
  const origin = args.url || "http://127.0.0.1:8787";
  const server = await startProxy(origin, hostname);
  const proxy = `http://127.0.0.1:${server.address().port}`;
  const stateDir = env.FAKE_CLOUDFLARED_STATE_DIR;
  const stateFile = stateDir ? join(stateDir, `${hostname}.json`) : undefined;
  if (stateFile) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(stateFile, JSON.stringify({ proxy, pid: process.pid, hostname, origin }));
  }
  startupLines(args);
  info(`okhook-fake proxy=${proxy} hostname=${hostname}`);
  let registered = false;
  const register = () => {
    registered = true;
    registerLines(args.run ? 4 : 1);
    if (mode === "crash-after") {
      after(Number(env.FAKE_CLOUDFLARED_CRASH_MS || 500), () => {
        process.stderr.write("panic: fake-cloudflared crash-after\n");
        if (stateFile) rmSync(stateFile, { force: true });
        process.exit(1);
      });
    }
  };
  if (mode === "slow") after(Number(env.FAKE_CLOUDFLARED_DELAY_MS || 1000), register);
  else if (mode !== "noregister") after(20, register);
  const shutdown = (signal) => {
    info(
      `Initiating graceful shutdown due to signal ${signal === "SIGINT" ? "interrupt" : "terminated"} ...`,
    );
    if (registered) info(`Unregistered tunnel connection connIndex=0 event=0 ip=${EDGE_IP}`);
    info("Tunnel server stopped");
    info("Metrics server stopped");
    if (stateFile) rmSync(stateFile, { force: true });
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main();
