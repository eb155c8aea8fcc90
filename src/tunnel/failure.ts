/**
 * One-line messages for what went wrong with a cloudflared run, each with the fix. Pure: the
 * facts come from one run's log (never an earlier run's), gathered by CloudflaredChild.
 */
import type { FatalCause } from "./cloudflared-log.js";

/** What one cloudflared run's log and exit tell about a failure. */
export interface RunFacts {
  mode: "quick" | "token";
  /** The first line that says why cloudflared gives up. */
  fatal?: { cause: FatalCause; reason: string };
  /** The newest ERR block since the last registered connection (its first line). */
  problem?: string;
  /** The quick tunnel service's answer, when it was not a tunnel. */
  quickAnswer?: { status?: string; body: string };
  /** A connection registered during this run. */
  everRegistered: boolean;
  /** cloudflared logged a graceful shutdown that okhook did not ask for (someone else's signal). */
  signalledElsewhere?: boolean;
  exitCode?: number | null;
  signal?: string | null;
  timedOutMs?: number;
}

const NO_TUNNEL = "or run with --tunnel none";

/** Why a cloudflared run ended before its tunnel was ready, and what to do about it. */
export function describeStartFailure(f: RunFacts): string {
  if (f.fatal) return describeFatal(f, f.fatal);
  if (f.timedOutMs !== undefined) {
    const secs = Math.round(f.timedOutMs / 100) / 10;
    return `cloudflared did not register a tunnel connection within ${secs} s${f.problem ? `: ${f.problem}` : ""} (${edgeHint(f.problem)})`;
  }
  if (refusedRegistration(f)) return refusedMessage(f);
  return `cloudflared ${how(f)} before the tunnel was ready${f.problem ? `: ${f.problem}` : " (nothing useful in its log; see okhook show tunnel-log)"}`;
}

/** Why a running tunnel's cloudflared ended, from this run only (okhook restarts it). */
export function describeExit(f: RunFacts): string {
  if (f.fatal) return `cloudflared ${how(f)}: ${f.fatal.reason}`;
  if (f.signal === "SIGKILL" || f.signal === "SIGTERM" || f.signalledElsewhere) {
    return `cloudflared ${how(f)} (not by okhook: something else ended it)`;
  }
  return `cloudflared ${how(f)}${f.problem ? `: ${f.problem}` : ""}`;
}

/** The hint for a connection to the edge that does not come (back). */
export function edgeHint(problem: string | undefined): string {
  if (problem && /edge discovery|srv records|no such host|lookup /i.test(problem)) {
    return `cloudflared cannot look up Cloudflare's edge: check the network and DNS resolver (try 1.1.1.1), ${NO_TUNNEL}`;
  }
  return `outbound UDP/TCP port 7844 to Cloudflare may be blocked by a firewall or proxy: allow it and retry, ${NO_TUNNEL}`;
}

function describeFatal(f: RunFacts, fatal: { cause: FatalCause; reason: string }): string {
  const r = fatal.reason;
  switch (fatal.cause) {
    case "quick-unreachable":
      return `cloudflared could not reach Cloudflare's quick tunnel service: ${r} (check the network or proxy, ${NO_TUNNEL})`;
    case "quick-answer":
      return quickAnswerMessage(f, r);
    case "edge-dns":
      return `cloudflared could not find Cloudflare's edge: ${r} (check the network and DNS resolver (try 1.1.1.1), ${NO_TUNNEL})`;
    case "token":
      return `cloudflared rejected the tunnel token: ${r} (copy the whole token of the tunnel from Cloudflare Zero Trust > Networks > Tunnels into --tunnel-token or OKHOOK_TUNNEL_TOKEN)`;
    case "usage":
      return `cloudflared rejected its arguments: ${r} (update cloudflared, or point --cloudflared at a current binary)`;
    default:
      if (/^context canceled$/i.test(r) && refusedRegistration(f)) return refusedMessage(f);
      return `cloudflared could not start the tunnel: ${r} (see okhook show tunnel-log)`;
  }
}

function quickAnswerMessage(f: RunFacts, reason: string): string {
  const a = f.quickAnswer;
  if (a?.status?.startsWith("429")) {
    return `Cloudflare is rate limiting quick tunnels from this network (HTTP 429${/1015/.test(a.body) ? ", error code 1015" : ""}): wait a few minutes and retry, or use a named tunnel (--tunnel token)`;
  }
  const answered = a ? `HTTP ${a.status ?? "?"}${a.body ? `: ${a.body}` : ""}` : reason;
  return `Cloudflare's quick tunnel service sent no usable tunnel (${answered}): retry in a minute (status: https://www.cloudflarestatus.com), or use a named tunnel (--tunnel token)`;
}

/**
 * The edge refusing RegisterConnection shows in cloudflared 2025.x only as a connection that
 * ends with "context canceled" before any registered, then exit 1.
 */
function refusedRegistration(f: RunFacts): boolean {
  return !f.everRegistered && f.exitCode === 1 && /context canceled/i.test(f.problem ?? "");
}

function refusedMessage(f: RunFacts): string {
  return f.mode === "token"
    ? `Cloudflare's edge refused to register the tunnel (cloudflared only says "context canceled"): the token's tunnel may have been deleted or its token rotated; check it in Cloudflare Zero Trust > Networks > Tunnels and pass the current one with --tunnel-token`
    : `Cloudflare's edge refused to register the quick tunnel (cloudflared only says "context canceled"): retry in a minute, or use a named tunnel (--tunnel token)`;
}

function how(f: RunFacts): string {
  return f.signal ? `was killed by ${f.signal}` : `exited with code ${f.exitCode}`;
}
