import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  describeFailure,
  field,
  LineSplitter,
  LogRing,
  parseCloudflaredLine,
  scrubSecrets,
} from "../../src/tunnel/parse.js";

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
  it("reads the URL from the box and the registered connection, nothing else", () => {
    const parsed = QUICK_START.map(parseCloudflaredLine).filter((p) => p !== null);
    expect(parsed).toEqual([
      { kind: "url", url: "https://buffalo-marco-cardiff-motel.trycloudflare.com" },
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
      cause: "unreachable",
      reason: line,
    });
  });

  it("detects a rate-limited quick tunnel and keeps the HTTP status from the ERR line", () => {
    const err =
      '2026-11-20T14:00:01Z ERR Error unmarshaling QuickTunnel response: error code: 1015 error="invalid character \'e\' looking for beginning of value" status_code="429 Too Many Requests"';
    expect(parseCloudflaredLine(err)).toEqual({
      kind: "error",
      reason:
        "Error unmarshaling QuickTunnel response: error code: 1015: invalid character 'e' looking for beginning of value (HTTP 429 Too Many Requests)",
    });
    const fatal =
      "failed to unmarshal quick Tunnel: invalid character 'e' looking for beginning of value";
    expect(parseCloudflaredLine(fatal)).toMatchObject({ kind: "fatal", cause: "refused" });
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
    });
  });

  it("notices unregistered connections at shutdown", () => {
    const line =
      "2026-11-20T14:10:00Z INF Unregistered tunnel connection connIndex=0 event=0 ip=198.41.192.167";
    expect(parseCloudflaredLine(line)).toEqual({ kind: "unregistered", connIndex: 0 });
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

  it("words failures by cause, with the fix", () => {
    expect(
      describeFailure({
        fatal: { cause: "unreachable", reason: "failed to request quick Tunnel: x" },
      }),
    ).toBe(
      "cloudflared could not reach Cloudflare: failed to request quick Tunnel: x (check the network or proxy, or run with --tunnel none)",
    );
    expect(describeFailure({ timedOutMs: 1500 })).toMatch(
      /^cloudflared did not register a tunnel connection within 1.5 s/,
    );
    expect(describeFailure({ exitCode: 1, lastError: "boom" })).toBe(
      "cloudflared exited with code 1 before the tunnel was ready: boom",
    );
  });
});
