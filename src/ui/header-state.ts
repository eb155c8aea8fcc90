import type { SessionEvent } from "../events.js";
import type { Tone } from "./text.js";
import type { HeaderInfo } from "./types.js";

/** A short message in the status line. */
export interface Flash {
  text: string;
  tone: Tone;
}

/** What a session event changes outside the list: header fields and/or a status message. */
export interface HeaderChange {
  header?: HeaderInfo;
  flash?: Flash;
  stopping?: boolean;
}

/** Fold a session event into the header (pure). Delivery and forward events are the list's. */
export function applyHeaderEvent(h: HeaderInfo, e: SessionEvent): HeaderChange {
  switch (e.type) {
    case "listening":
      return {
        header: { ...h, localUrl: e.localUrl, localHookUrl: e.hookUrl },
        ...(e.tookOver
          ? {
              flash: {
                text: `the last listen on this database (pid ${e.tookOver.pid}) ended without a clean stop; carrying on from it`,
                tone: "dim" as const,
              },
            }
          : {}),
      };
    case "tunnel":
      return tunnelChange(h, e);
    case "target":
      return {
        header: {
          ...h,
          targets: h.targets.map((t) =>
            t.target === e.target ? { ...t, health: e.health, reason: e.reason } : t,
          ),
        },
        flash:
          e.health === "down"
            ? { text: `target ${e.target} is down: ${e.reason ?? "unreachable"}`, tone: "bad" }
            : { text: `target ${e.target} is up`, tone: "ok" },
      };
    case "hook":
      return {
        header: { ...h, hook: `${e.status} ${e.verificationStatus}`.toLowerCase() },
        flash: e.detail ? { text: `Okta hook: ${e.detail}`, tone: "dim" } : undefined,
      };
    case "inline-hook":
      return { flash: { text: `Okta ${e.inlineType} inline hook: ${e.detail}`, tone: "dim" } };
    case "inline":
      return {
        flash: e.exchange.applied
          ? undefined
          : { text: `inline ${e.exchange.inlineType}: ${e.exchange.okta}`, tone: "warn" },
      };
    case "warning":
      return { flash: { text: e.message, tone: "warn" } };
    case "error":
      return { flash: { text: e.message, tone: "bad" } };
    case "stopping":
      return { stopping: true, flash: { text: "Stopping: finishing forwards…", tone: "dim" } };
    default:
      return {};
  }
}

function tunnelChange(h: HeaderInfo, e: Extract<SessionEvent, { type: "tunnel" }>): HeaderChange {
  const tunnel = { state: e.state, publicUrl: e.publicUrl, reason: e.reason };
  if (e.state === "ready") {
    const before = h.lastReadyHookUrl;
    const flash: Flash =
      before === undefined
        ? { text: "tunnel ready: paste the hook URL into Okta", tone: "ok" }
        : before === e.hookUrl
          ? { text: "tunnel ready again (same URL)", tone: "ok" }
          : {
              text: "tunnel URL CHANGED: Okta's hook must point at the new hook URL",
              tone: "warn",
            };
    return {
      header: { ...h, tunnel, publicHookUrl: e.hookUrl, lastReadyHookUrl: e.hookUrl },
      flash,
    };
  }
  if (e.state === "reconnecting")
    return {
      header: { ...h, tunnel },
      flash: { text: `tunnel reconnecting: ${e.reason ?? "edge connection lost"}`, tone: "warn" },
    };
  if (e.state === "failed" || e.state === "stopped")
    return {
      header: { ...h, tunnel, publicHookUrl: undefined },
      flash: {
        text: `tunnel ${e.state}: ${e.reason ?? "unknown"}`,
        tone: e.state === "failed" ? "bad" : "dim",
      },
    };
  return { header: { ...h, tunnel } };
}
