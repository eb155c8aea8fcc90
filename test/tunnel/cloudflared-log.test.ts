import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../../src/text/redact.js";
import {
  field,
  LineSplitter,
  LogRing,
  oneLine,
  ProblemTracker,
  parseCloudflaredLine,
} from "../../src/tunnel/cloudflared-log.js";
import { describeExit, describeStartFailure, type RunFacts } from "../../src/tunnel/failure.js";

// cloudflared's real console output (lines as logged by cloudflared 2024–2026; timestamps moved).
const QUICK_START = [
  "2026-11-20T14:00:01Z INF Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee, are subject to the Cloudflare Online Services Terms of Use (https://www.cloudflare.com/website-terms/), and Cloudflare reserves the right to investigate your use of Tunnels for violations of such terms. If you intend to use Tunnels in production you should use a pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-apps",
  "2026-11-20T14:00:01Z INF Requesting new quick Tunnel on trycloudflare.com...",
  "2026-11-20T14:00:04Z INF +--------------------------------------------------------------------------------------------+",
  "2026-11-20T14:00:04Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |",
  "2026-11-20T14:00:04Z INF |  https://buffalo-marco-cardiff-motel.trycloudflare.com                                     |",
  "2026-11-20T14:00:04Z INF +--------------------------------------------------------------------------------------------+",
  "2026-11-20T14:00:04Z INF Cannot determine default configuration path. No file [config.yml config.yaml] in [~/.cloudflared ~/.cloudflare-warp ~/cloudflare-warp /etc/cloudflared /usr/local/etc/cloudflared]",
  "2026-11-20T14:00:04Z INF Version 2026.11.0 (Checksum 4bb0a9b1a1e0c3a0a5c5d1e0f1e2d3c4b5a6978877665544332211000ffeeddc)",
  "2026-11-20T14:00:04Z INF GOOS: linux, GOVersion: go1.24.9, GoArch: amd64",
  "2026-11-20T14:00:04Z INF Settings: map[ha-connections:1 no-autoupdate:true protocol:quic url:http://127.0.0.1:8787]",
  "2026-11-20T14:00:04Z INF Generated Connector ID: 6f5bd919-1c79-4e2a-96db-65962c321200",
  "2026-11-20T14:00:04Z INF Initial protocol quic",
  "2026-11-20T14:00:04Z INF ICMP proxy will use 10.35.20.212 as source for IPv4",
  "2026-11-20T14:00:04Z INF ICMP proxy will use fe80::ff88:63c3:3a7f:4bc7 in zone eth0 as source for IPv6",
  "2026-11-20T14:00:04Z INF Starting metrics server on 127.0.0.1:33575/metrics",
  "2026-11-20T14:00:05Z INF Registered tunnel connection connIndex=0 connection=830bf962-7674-4e02-b648-65177c832c67 event=0 ip=198.41.192.167 location=lax08 protocol=quic",
];

describe("parseCloudflaredLine", () => {
  it("reads the URL from the box, the metrics address and the registered connection, nothing else", () => {
    const parsed = QUICK_START.map(parseCloudflaredLine).filter((p) => p !== null);
    expect(parsed).toEqual([
      { kind: "url", url: "https://buffalo-marco-cardiff-motel.trycloudflare.com" },
      { kind: "metrics", address: "127.0.0.1:33575" },
      {
        kind: "registered",
        connIndex: 0,
        connection: "830bf962-7674-4e02-b648-65177c832c67",
        ip: "198.41.192.167",
        location: "lax08",
        protocol: "quic",
      },
    ]);
  });

  it("does not take the debug 'Registering' line for a registration", () => {
    const line =
      "2026-11-20T14:00:04Z DBG Registering tunnel connection connIndex=0 event=0 ip=198.41.192.167 protocol=quic";
    expect(parseCloudflaredLine(line)).toBeNull();
  });

  it("reads registrations whatever the field order or prefix", () => {
    const line = "INF Registered tunnel connection location=ams01 connIndex=2 protocol=http2";
    expect(parseCloudflaredLine(line)).toMatchObject({
      kind: "registered",
      connIndex: 2,
      location: "ams01",
    });
  });

  it("detects the unprefixed quick tunnel failure and never reads api.trycloudflare.com as the URL", () => {
    const line =
      'failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com on 127.0.0.11:53: no such host';
    expect(parseCloudflaredLine(line)).toEqual({
      kind: "fatal",
      cause: "quick-unreachable",
      reason: line,
    });
  });

  it("detects a rate-limited quick tunnel and keeps the HTTP status from the ERR line", () => {
    const err =
      '2026-11-20T14:00:01Z ERR Error unmarshaling QuickTunnel response: error code: 1015 error="invalid character \'e\' looking for beginning of value" status_code="429 Too Many Requests"';
    expect(parseCloudflaredLine(err)).toEqual({
      kind: "quick-answer",
      status: "429 Too Many Requests",
      body: "error code: 1015",
      reason:
        "Error unmarshaling QuickTunnel response: error code: 1015: invalid character 'e' looking for beginning of value (HTTP 429 Too Many Requests)",
    });
    const fatal =
      "failed to unmarshal quick Tunnel: invalid character 'e' looking for beginning of value";
    expect(parseCloudflaredLine(fatal)).toMatchObject({ kind: "fatal", cause: "quick-answer" });
  });

  it("detects an invalid token and a failed start", () => {
    expect(parseCloudflaredLine("Provided Tunnel token is not valid.")).toMatchObject({
      kind: "fatal",
      cause: "token",
    });
    const start = '2026-11-20T14:00:01Z ERR Couldn\'t start tunnel error="no ingress rules"';
    expect(parseCloudflaredLine(start)).toEqual({
      kind: "fatal",
      cause: "start",
      reason: "Couldn't start tunnel: no ingress rules",
    });
  });

  it("reports ERR lines with their error field but does not call them fatal", () => {
    const line =
      '2026-11-20T14:00:09Z ERR  error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8787: connect: connection refused" cfRay=8a1b2c3d4e5f6a7b-LAX event=1 ingressRule=0 originService=http://127.0.0.1:8787';
    expect(parseCloudflaredLine(line)).toEqual({
      kind: "error",
      reason:
        "Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8787: connect: connection refused",
      stamp: "2026-11-20T14:00:09Z",
      conn: false,
    });
  });

  it("notices connections that end: unregistered at shutdown, or dropped by the edge", () => {
    const line =
      "2026-11-20T14:10:00Z INF Unregistered tunnel connection connIndex=0 event=0 ip=198.41.192.167";
    expect(parseCloudflaredLine(line)).toEqual({
      kind: "disconnected",
      connIndex: 0,
      reason: "unregistered",
    });
    const drop =
      '2026-12-02T04:18:17Z ERR Failed to serve tunnel connection error="failed to accept QUIC stream: Application error 0x0 (remote): fakeedge drop on SIGUSR1" connIndex=2 event=0 ip=127.0.0.1';
    expect(parseCloudflaredLine(drop)).toEqual({
      kind: "disconnected",
      connIndex: 2,
      reason:
        "Failed to serve tunnel connection: failed to accept QUIC stream: Application error 0x0 (remote): fakeedge drop on SIGUSR1",
      stamp: "2026-12-02T04:18:17Z",
    });
    expect(
      parseCloudflaredLine(
        "2026-12-02T04:18:30Z INF Initiating graceful shutdown due to signal terminated ...",
      ),
    ).toEqual({ kind: "shutdown" });
  });

  it("reads the edge discovery failure's exit line as fatal, with the error inside 'Initiating shutdown'", () => {
    const line =
      '2026-12-02T04:19:47Z ERR Initiating shutdown error="Could not lookup srv records on _v2-origintunneld._tcp.argotunnel.com: lookup _v2-origintunneld._tcp.argotunnel.com on 10.255.255.53:53: no such host"';
    expect(parseCloudflaredLine(line)).toEqual({
      kind: "fatal",
      cause: "edge-dns",
      reason:
        "Could not lookup srv records on _v2-origintunneld._tcp.argotunnel.com: lookup _v2-origintunneld._tcp.argotunnel.com on 10.255.255.53:53: no such host",
    });
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseCloudflaredLine(s);
      }),
    );
  });
});

describe("helpers", () => {
  it("reads quoted fields with escapes", () => {
    expect(field('x error="a \\"b\\" c" d=1', "error")).toBe('a "b" c');
    expect(field("x d=1", "d")).toBe("1");
    expect(field("x d=1", "e")).toBeUndefined();
  });

  it("splits chunks into lines across CRLF and partial chunks", () => {
    const s = new LineSplitter();
    expect(s.push("a\r\nb")).toEqual(["a"]);
    expect(s.push("c\nd")).toEqual(["bc"]);
    expect(s.flush()).toEqual(["d"]);
    expect(s.flush()).toEqual([]);
  });

  it("keeps only the newest lines", () => {
    const ring = new LogRing(3);
    for (const l of ["1", "2", "3", "4", "5"]) ring.push(l);
    expect(ring.lines()).toEqual(["3", "4", "5"]);
  });

  it("scrubs every occurrence of a secret", () => {
    expect(scrubSecrets("t=abc x abc", ["abc", undefined, ""])).toBe("t=[redacted] x [redacted]");
  });

  it("keeps one line per problem and never a whole line of control characters", () => {
    expect(oneLine("a\u001b[31m red\u0007\n b")).toBe("a[31m red b");
  });
});

// cloudflared 2025.5.0 on a network without DNS for argotunnel.com (captured)
const EDGE_DISCOVERY_BLOCK = [
  '2026-12-02T04:18:14Z ERR edge discovery: error looking up Cloudflare edge IPs: the DNS query failed error="lookup _v2-origintunneld._tcp.argotunnel.com on 10.255.255.53:53: no such host" event=0',
  "2026-12-02T04:18:14Z ERR Please try the following things to diagnose this issue: event=0",
  '2026-12-02T04:18:14Z ERR   1. ensure that argotunnel.com is returning "origintunneld" service records. event=0',
  "2026-12-02T04:18:14Z ERR      Run your system's equivalent of: dig srv _origintunneld._tcp.argotunnel.com event=0",
  "2026-12-02T04:18:14Z ERR   2. ensure that your DNS resolver is not returning compressed SRV records. event=0",
  "2026-12-02T04:18:14Z ERR      See GitHub issue https://github.com/golang/go/issues/27546 event=0",
  "2026-12-02T04:18:14Z ERR      For example, you could use Cloudflare's 1.1.1.1 as your resolver: event=0",
  "2026-12-02T04:18:14Z ERR      https://developers.cloudflare.com/1.1.1.1/setting-up-1.1.1.1/ event=0",
];

describe("ProblemTracker", () => {
  it("collapses a multi-line ERR block to its first line", () => {
    const t = new ProblemTracker();
    const fresh = EDGE_DISCOVERY_BLOCK.map((l) => t.push(parseCloudflaredLine(l)));
    expect(fresh).toEqual([true, false, false, false, false, false, false, false]);
    expect(t.latest()).toBe(
      "edge discovery: error looking up Cloudflare edge IPs: the DNS query failed: lookup _v2-origintunneld._tcp.argotunnel.com on 10.255.255.53:53: no such host",
    );
  });

  it("takes the first line of a drop (not its echo 'Serve tunnel error'), and forgets it all on clear", () => {
    const t = new ProblemTracker();
    for (const l of EDGE_DISCOVERY_BLOCK) t.push(parseCloudflaredLine(l));
    const drop = [
      '2026-12-02T04:18:17Z ERR Failed to serve tunnel connection error="x: drop" connIndex=0 event=0 ip=127.0.0.1',
      '2026-12-02T04:18:17Z ERR Serve tunnel error error="x: drop" connIndex=0 event=0 ip=127.0.0.1',
      "2026-12-02T04:18:17Z INF Retrying connection in up to 1s connIndex=0 event=0 ip=127.0.0.1",
    ];
    for (const l of drop) t.push(parseCloudflaredLine(l));
    expect(t.latest()).toBe("Failed to serve tunnel connection: x: drop");
    t.clear();
    expect(t.latest()).toBeUndefined();
  });
});

describe("failure messages", () => {
  const facts = (f: Partial<RunFacts>): RunFacts => ({
    mode: "quick",
    everRegistered: false,
    ...f,
  });

  it("words failures by cause, with the fix", () => {
    expect(
      describeStartFailure(
        facts({
          fatal: { cause: "quick-unreachable", reason: "failed to request quick Tunnel: x" },
        }),
      ),
    ).toBe(
      "cloudflared could not reach Cloudflare's quick tunnel service: failed to request quick Tunnel: x (check the network or proxy, or run with --tunnel none)",
    );
    expect(describeStartFailure(facts({ timedOutMs: 1500 }))).toMatch(
      /^cloudflared did not register a tunnel connection within 1.5 s \(outbound UDP\/TCP port 7844/,
    );
    expect(describeStartFailure(facts({ exitCode: 2, problem: "boom" }))).toBe(
      "cloudflared exited with code 2 before the tunnel was ready: boom",
    );
  });

  it("tells a rate limit (429) from another bad quick tunnel answer", () => {
    const fatal = { cause: "quick-answer" as const, reason: "failed to unmarshal quick Tunnel: x" };
    expect(
      describeStartFailure(
        facts({
          fatal,
          quickAnswer: { status: "429 Too Many Requests", body: "error code: 1015" },
        }),
      ),
    ).toMatch(
      /^Cloudflare is rate limiting quick tunnels from this network \(HTTP 429, error code 1015\): wait/,
    );
    expect(
      describeStartFailure(
        facts({
          fatal,
          quickAnswer: { status: "500 Internal Server Error", body: "<html>oops</html>" },
        }),
      ),
    ).toMatch(
      /^Cloudflare's quick tunnel service sent no usable tunnel \(HTTP 500 Internal Server Error: <html>oops<\/html>\): retry/,
    );
  });

  it("gives edge discovery failures a DNS hint, and a refused registration more than 'context canceled'", () => {
    expect(
      describeStartFailure(
        facts({
          fatal: { cause: "edge-dns", reason: "Could not lookup srv records on x: no such host" },
        }),
      ),
    ).toMatch(/^cloudflared could not find Cloudflare's edge: .*DNS resolver/);
    const refused = facts({
      mode: "token",
      exitCode: 1,
      problem: "Initiating shutdown: context canceled",
    });
    expect(describeStartFailure(refused)).toMatch(
      /^Cloudflare's edge refused to register the tunnel \(cloudflared only says "context canceled"\): .*--tunnel-token/,
    );
  });

  it("says why a running cloudflared ended from its own run", () => {
    expect(describeExit(facts({ signal: "SIGKILL", everRegistered: true }))).toBe(
      "cloudflared was killed by SIGKILL (not by okhook: something else ended it)",
    );
    expect(describeExit(facts({ exitCode: 1, everRegistered: true, problem: "boom" }))).toBe(
      "cloudflared exited with code 1: boom",
    );
  });
});
