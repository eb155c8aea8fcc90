#!/usr/bin/env node
// A stand-in for cloudflared in tests: prints cloudflared's real stderr lines (same prefixes,
// same order, as captured from cloudflared 2025.5.0 in ../shared/cloudflared-real/README.md),
// runs a loopback HTTP proxy playing the "public" trycloudflare URL and a metrics server whose
// /ready tells whether a connection is registered, and stops the way cloudflared does.
//
// Usage: fake-cloudflared.mjs --version
//        fake-cloudflared.mjs tunnel [--no-autoupdate] [--grace-period 1s] [--metrics host:port] --url <origin>
//        fake-cloudflared.mjs tunnel [--no-autoupdate] [...] run [--token <t>]   (or TUNNEL_TOKEN)
// Signals (like cloudflared): SIGTERM/SIGINT with a registered connection unregisters it, waits
//        the grace period (30 s by default), exits 0; before any registration it exits at once;
//        a second signal ends it at once (killed by that signal).
//        SIGUSR1: the edge drops the connection (ERR lines, /ready 503, 530 on the proxy), then it
//        registers again after FAKE_CLOUDFLARED_RECONNECT_MS. SIGUSR2: the same without a log line
//        (cloudflared's reconnect-signal path: only /ready tells).
// Env:   FAKE_CLOUDFLARED_MODE      ok (default) | fail | slow | noregister | crash-after
//        FAKE_CLOUDFLARED_DELAY_MS  registration delay in `slow` mode (default 1000)
//        FAKE_CLOUDFLARED_CRASH_MS  time after registration before `crash-after` exits 1 (default 500)
//        FAKE_CLOUDFLARED_RECONNECT_MS  after a drop, registers again this much later (default 300; -1 never)
//        FAKE_CLOUDFLARED_DIAL_MS   while not connected (noregister, dropped), a dial error this often (default 1000)
//        FAKE_CLOUDFLARED_EDGE_ERRORS  "1": print the multi-line edge discovery ERR block at start
//        FAKE_CLOUDFLARED_STATE_DIR write <hostname>.json = {proxy, pid, metrics} there while running
//        FAKE_CLOUDFLARED_EXTRA_LINES  print this many filler INF lines after registering
//        FAKE_CLOUDFLARED_ECHO_TOKEN   "1": log the token in clear (as a careless build might)
//        FAKE_CLOUDFLARED_HOSTNAME  hostname used in token mode (default named-tunnel.example.com)
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startMetrics, startProxy } from "./fake-cloudflared-servers.mjs";

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
const EDGE_IP = "198.41.192.7";
const EDGE_DISCOVERY_BLOCK = [
  'edge discovery: error looking up Cloudflare edge IPs: the DNS query failed error="lookup _v2-origintunneld._tcp.argotunnel.com on 127.0.0.53:53: no such host" event=0',
  "Please try the following things to diagnose this issue: event=0",
  '  1. ensure that argotunnel.com is returning "origintunneld" service records. event=0',
  "     Run your system's equivalent of: dig srv _origintunneld._tcp.argotunnel.com event=0",
  "  2. ensure that your DNS resolver is not returning compressed SRV records. event=0",
  "     See GitHub issue https://github.com/golang/go/issues/27546 event=0",
  "     For example, you could use Cloudflare's 1.1.1.1 as your resolver: event=0",
  "     https://developers.cloudflare.com/1.1.1.1/setting-up-1.1.1.1/ event=0",
];

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
    else if (["url", "token", "grace-period", "metrics"].includes(name)) {
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
  if (env.FAKE_CLOUDFLARED_EDGE_ERRORS === "1") for (const l of EDGE_DISCOVERY_BLOCK) log("ERR", l);
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
}

/** `500ms`, `1s`, `2m` → ms (cloudflared takes Go durations; these are the forms okhook uses). */
function durationMs(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text ?? "");
  if (!m) return 30_000;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2]];
}

async function main() {
  // as cloudflared 2025.5.0 prints it (okhook doctor reads the version)
  if (process.argv[2] === "--version" || process.argv[2] === "version") {
    process.stdout.write("cloudflared version 2025.5.0 (built 2025-05-15)\n");
    return;
  }
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
  await run(args, hostname);
}

async function run(args, hostname) {
  const connections = args.run ? 4 : 1;
  const registered = new Set();
  let stopping = false;
  let dialTimer;
  let reconnectTimer;
  const origin = args.url || "http://127.0.0.1:8787";
  const proxyServer = await startProxy({
    origin,
    hostname,
    connected: () => registered.size > 0,
    onOriginError: (err, ray) =>
      log(
        "ERR",
        ` error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: ${err.message}" cfRay=${ray} event=1 ingressRule=0 originService=${origin}`,
      ),
  });
  startupLines(args);
  const metrics = await startMetrics({
    address: args.flags.metrics || "127.0.0.1:0",
    connectorId: randomUUID(),
    hostname,
    readyConnections: () => registered.size,
  });
  const metricsAt = `127.0.0.1:${metrics.address().port}`;
  info(`Starting metrics server on ${metricsAt}/metrics`);
  const proxy = `http://127.0.0.1:${proxyServer.address().port}`;
  const stateDir = env.FAKE_CLOUDFLARED_STATE_DIR;
  const stateFile = stateDir ? join(stateDir, `${hostname}.json`) : undefined;
  if (stateFile) {
    mkdirSync(stateDir, { recursive: true });
    const state = { proxy, pid: process.pid, hostname, origin, metrics: metricsAt };
    writeFileSync(stateFile, JSON.stringify(state));
  }
  info(`okhook-fake proxy=${proxy} hostname=${hostname}`);
  const dialErrors = () => {
    clearInterval(dialTimer);
    dialTimer = setInterval(
      () => {
        log(
          "ERR",
          `Failed to dial a quic connection error="failed to dial to edge with quic: timeout: no recent network activity" connIndex=0 event=0 ip=${EDGE_IP}`,
        );
        info(
          `Tunnel connection curve preferences: [X25519MLKEM768 CurveP256] connIndex=0 event=0 ip=${EDGE_IP}`,
        );
      },
      Number(env.FAKE_CLOUDFLARED_DIAL_MS || 1000),
    );
  };
  const register = () => {
    if (stopping) return;
    clearInterval(dialTimer);
    registerLines(connections);
    for (let i = 0; i < connections; i++) registered.add(i);
  };
  const firstRegister = () => {
    register();
    const extra = Number(env.FAKE_CLOUDFLARED_EXTRA_LINES || 0);
    for (let i = 0; i < extra; i++) info(`okhook-fake filler n=${i}`);
    if (mode === "crash-after") {
      after(Number(env.FAKE_CLOUDFLARED_CRASH_MS || 500), () => {
        process.stderr.write("panic: fake-cloudflared crash-after\n");
        if (stateFile) rmSync(stateFile, { force: true });
        process.exit(1);
      });
    }
  };
  if (mode === "slow") after(Number(env.FAKE_CLOUDFLARED_DELAY_MS || 1000), firstRegister);
  else if (mode === "noregister") dialErrors();
  else after(20, firstRegister);

  const drop = (loud) => {
    if (stopping || registered.size === 0) return;
    const why = "Application error 0x0 (remote): edge drop";
    if (loud) {
      for (const i of registered) {
        log(
          "ERR",
          `Failed to serve tunnel connection error="${why}" connIndex=${i} event=0 ip=${EDGE_IP}`,
        );
        log("ERR", `Serve tunnel error error="${why}" connIndex=${i} event=0 ip=${EDGE_IP}`);
        info(`Retrying connection in up to 1s connIndex=${i} event=0 ip=${EDGE_IP}`);
      }
    }
    registered.clear();
    const wait = Number(env.FAKE_CLOUDFLARED_RECONNECT_MS ?? 300);
    if (wait < 0) dialErrors();
    else reconnectTimer = after(wait, register);
  };
  process.on("SIGUSR1", () => drop(true));
  process.on("SIGUSR2", () => drop(false));

  const finish = (wasRegistered) => {
    if (wasRegistered)
      log(
        "ERR",
        `Failed to serve tunnel connection error="context canceled" connIndex=0 event=0 ip=${EDGE_IP}`,
      );
    info("Tunnel server stopped");
    info("Metrics server stopped");
    if (stateFile) rmSync(stateFile, { force: true });
    proxyServer.closeAllConnections();
    metrics.closeAllConnections();
    metrics.close();
    proxyServer.close(() => process.exit(0));
  };
  const shutdown = (signal) => {
    if (stopping) {
      // like cloudflared after its first signal: the default action, at once
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    stopping = true;
    clearInterval(dialTimer);
    clearTimeout(reconnectTimer);
    info(
      `Initiating graceful shutdown due to signal ${signal === "SIGINT" ? "interrupt" : "terminated"} ...`,
    );
    const wasRegistered = registered.size > 0;
    if (!wasRegistered) return finish(false);
    for (const i of registered)
      info(`Unregistered tunnel connection connIndex=${i} event=0 ip=${EDGE_IP}`);
    registered.clear();
    after(durationMs(args.flags["grace-period"]), () => finish(true));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main();
