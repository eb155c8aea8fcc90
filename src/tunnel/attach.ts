import { writeFileSync } from "node:fs";
import { describeError, NetworkError } from "../errors.js";
import type { EventBus } from "../events.js";
import { resolveCloudflared } from "./resolve.js";
import { Tunnel, type TunnelStateChange, TunnelStoppedError } from "./tunnel.js";

/** What `listen` asks of the tunnel. */
export interface AttachTunnelOptions {
  mode: "quick" | "token";
  localUrl: string;
  hookPath: string;
  bus: EventBus;
  /** A failure ends `listen` (exit 4) instead of leaving it listening locally; said on the event. */
  required: boolean;
  explicitBinary?: string;
  explicitLabel?: string;
  pathEnv?: string;
  childEnv: NodeJS.ProcessEnv;
  token?: string;
  publicUrl?: string;
  readyTimeoutMs?: number;
  /** Where to keep cloudflared's last 200 log lines (secrets scrubbed) for `okhook show tunnel-log`. */
  logFile?: string;
}

/** A tunnel as `listen` sees it: started at once, stoppable at any moment. */
export interface AttachedTunnel {
  /** The public hook URL once the tunnel first serves; rejects when it cannot start (already reported). */
  ready: Promise<string>;
  /** Resolves with the error when the tunnel is gone for good, at start or after restarts (already reported). */
  lost: Promise<NetworkError>;
  /** Stop cloudflared (it unregisters and exits); safe to call at any time, more than once. */
  stop: () => Promise<void>;
}

/**
 * Resolve cloudflared, start it, and report every state change once as a `tunnel` session
 * event (with the full hook URL to paste into Okta).
 */
export function attachTunnel(o: AttachTunnelOptions): AttachedTunnel {
  let tunnel: Tunnel | undefined;
  let stopping = false;
  let reportLost!: (err: NetworkError) => void;
  const lost = new Promise<NetworkError>((resolve) => {
    reportLost = resolve;
  });
  const fail = (err: NetworkError, emit: boolean) => {
    if (emit)
      o.bus.emit({ type: "tunnel", state: "failed", reason: err.message, fatal: o.required });
    reportLost(err);
  };
  const ready = (async () => {
    o.bus.emit({ type: "tunnel", state: "starting" });
    const bin = await resolveCloudflared({
      explicit: o.explicitBinary,
      explicitLabel: o.explicitLabel,
      pathEnv: o.pathEnv,
    }).catch((err: unknown) => {
      const failure = err instanceof NetworkError ? err : new NetworkError(describeError(err));
      if (!stopping) fail(failure, true);
      throw stopping ? new TunnelStoppedError() : failure;
    });
    if (stopping) throw new TunnelStoppedError();
    const t = new Tunnel({
      binary: bin.path,
      mode: o.mode,
      localUrl: o.localUrl,
      token: o.token,
      publicUrl: o.publicUrl,
      env: o.childEnv,
      readyTimeoutMs: o.readyTimeoutMs,
    });
    tunnel = t;
    t.on("state", (change) => {
      if (change.state !== "starting") saveLog(o.logFile, t);
      if (change.state === "failed")
        fail(new NetworkError(change.reason ?? "the tunnel failed"), true);
      else emitState(o, change);
    });
    const info = await t.start();
    return joinUrl(info.url, o.hookPath);
  })();
  ready.catch(() => {});
  return {
    ready,
    lost,
    stop: async () => {
      stopping = true;
      await tunnel?.stop();
      if (tunnel) saveLog(o.logFile, tunnel);
    },
  };
}

function emitState(o: AttachTunnelOptions, change: TunnelStateChange): void {
  const url = change.url;
  const hookUrl = url ? joinUrl(url, o.hookPath) : undefined;
  switch (change.state) {
    case "ready":
      o.bus.emit({ type: "tunnel", state: "ready", publicUrl: url, hookUrl });
      if (change.previousUrl) {
        o.bus.emit({
          type: "warning",
          message: `the public URL CHANGED after cloudflared restarted: paste ${hookUrl} into Okta (or run with --register to keep the hook pointing here)`,
        });
      }
      return;
    case "reconnecting":
      o.bus.emit({
        type: "tunnel",
        state: "reconnecting",
        publicUrl: url,
        hookUrl,
        reason: change.reason,
        downForMs: change.downForMs,
      });
      return;
    case "starting":
      // the first `starting` was announced before cloudflared was even resolved
      if (change.reason) o.bus.emit({ type: "tunnel", state: "starting", reason: change.reason });
      return;
    case "stopped":
      o.bus.emit({ type: "tunnel", state: "stopped", reason: change.reason });
      return;
    default:
      return;
  }
}

function saveLog(file: string | undefined, t: Tunnel): void {
  if (!file) return;
  try {
    writeFileSync(file, `${t.logLines().join("\n")}\n`, { mode: 0o600 });
  } catch {
    // the log is a debugging aid; never let it break the tunnel
  }
}

/** `https://x.trycloudflare.com` + `/okta/events`, without doubled slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path.startsWith("/") ? path : `/${path}`}`;
}
