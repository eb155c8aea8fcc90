import { writeFileSync } from "node:fs";
import type { EventBus } from "../events.js";
import { TunnelProcess } from "./cloudflared.js";
import { resolveCloudflared } from "./resolve.js";

/** What `listen` asks of the tunnel. */
export interface AttachTunnelOptions {
  mode: "quick" | "token";
  localUrl: string;
  hookPath: string;
  bus: EventBus;
  explicitBinary?: string;
  explicitLabel?: string;
  pathEnv?: string;
  childEnv: NodeJS.ProcessEnv;
  token?: string;
  publicUrl?: string;
  readyTimeoutMs?: number;
  /** Where to keep cloudflared's last 200 log lines (secrets scrubbed) for `okhook show tunnel-log`. */
  logFile?: string;
  /** Called as soon as the child exists, with its stop function, so shutdown can never miss it. */
  register?: (stop: () => Promise<void>) => void;
}

/** A running tunnel as `listen` sees it. */
export interface AttachedTunnel {
  process: TunnelProcess;
  publicUrl: string;
  stop: () => Promise<void>;
}

/**
 * Resolve cloudflared, start it, and report every state change as a `tunnel` session event
 * (with the full hook URL to paste into Okta). Rejects with a NetworkError when it cannot start;
 * the caller decides whether that is fatal.
 */
export async function attachTunnel(o: AttachTunnelOptions): Promise<AttachedTunnel> {
  o.bus.emit({ type: "tunnel", state: "starting" });
  let tunnel: TunnelProcess | undefined;
  try {
    const bin = await resolveCloudflared({
      explicit: o.explicitBinary,
      explicitLabel: o.explicitLabel,
      pathEnv: o.pathEnv,
    });
    tunnel = new TunnelProcess({
      binary: bin.path,
      mode: o.mode,
      localUrl: o.localUrl,
      token: o.token,
      publicUrl: o.publicUrl,
      env: o.childEnv,
      readyTimeoutMs: o.readyTimeoutMs,
    });
    const t = tunnel;
    const saveLog = () => {
      if (!o.logFile) return;
      try {
        writeFileSync(o.logFile, `${t.logLines().join("\n")}\n`, { mode: 0o600 });
      } catch {
        // the log is a debugging aid; never let it break the tunnel
      }
    };
    o.register?.(async () => {
      await t.stop();
      saveLog();
    });
    t.on("state", (change) => {
      if (change.state !== "starting") saveLog();
      if (change.state === "ready" && change.url) {
        const hookUrl = joinUrl(change.url, o.hookPath);
        o.bus.emit({ type: "tunnel", state: "ready", publicUrl: change.url, hookUrl });
        if (change.previousUrl && change.previousUrl !== change.url) {
          o.bus.emit({
            type: "warning",
            message: `the public URL CHANGED after cloudflared restarted: paste ${hookUrl} into Okta (or run with --register to keep the hook pointing here)`,
          });
        }
      } else if (change.state === "starting" && change.restarts > 0) {
        o.bus.emit({ type: "tunnel", state: "starting", reason: change.reason });
      } else if (change.state === "failed" || change.state === "exited") {
        o.bus.emit({ type: "tunnel", state: change.state, reason: change.reason });
      }
    });
    const info = await t.start();
    return { process: t, publicUrl: info.url, stop: () => t.stop() };
  } catch (err) {
    await tunnel?.stop();
    if (o.logFile && tunnel)
      writeFileSync(o.logFile, `${tunnel.logLines().join("\n")}\n`, { mode: 0o600 });
    throw err;
  }
}

/** `https://x.trycloudflare.com` + `/okta/events`, without doubled slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path.startsWith("/") ? path : `/${path}`}`;
}
