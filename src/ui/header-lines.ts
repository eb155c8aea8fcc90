import type { Counters } from "../store/types.js";
import { textWidth } from "../text/width.js";
import { count, type Line, lineText, seg, type Tone } from "./text.js";
import type { HeaderInfo, TargetInfo, TunnelInfo } from "./types.js";

const TUNNEL: Record<TunnelInfo["state"], [string, Tone]> = {
  off: ["off", "dim"],
  starting: ["starting…", "warn"],
  ready: ["ready", "ok"],
  reconnecting: ["reconnecting…", "warn"],
  failed: ["failed", "bad"],
  stopped: ["stopped", "dim"],
};

/**
 * The header: where to send, what to paste, the secret, where deliveries go, the counters.
 * Four lines when wide enough, five on narrow terminals (the secret gets its own line so
 * the URL to paste is never cut).
 */
export function headerLines(
  h: HeaderInfo,
  counters: Counters | null,
  total: number,
  width: number,
): Line[] {
  const fits = (...parts: Line[]) => parts.reduce((n, l) => n + textWidth(lineText(l)), 0) <= width;
  const lines = [titleLine(h)];
  const paste = pasteLine(h);
  const sec = secret(h);
  if (sec.length === 0 || fits(paste, [seg("  ")], sec)) lines.push([...paste, seg("  "), ...sec]);
  else lines.push(paste, [seg("Secret  ", "dim"), ...sec]);
  lines.push(targetsLine(h));
  const tally = countersLine(h, counters);
  const stored = [seg("│ ", "dim"), seg(count(total)), seg(" stored", "dim")];
  lines.push(fits(tally, stored) ? [...tally, ...stored] : tally);
  return lines;
}

function titleLine(h: HeaderInfo): Line {
  const [tunnel, tone] = TUNNEL[h.tunnel.state];
  const line: Line = [seg(`okhook ${h.mode}`, "title", true), seg(` ${h.version}`, "dim")];
  if (h.mode === "listen") {
    line.push(seg("  local ", "dim"), seg(h.localUrl ?? "starting…"));
    line.push(seg("  tunnel ", "dim"), seg(`● ${tunnel}`, tone));
    const why = h.tunnel.state === "failed" || h.tunnel.state === "reconnecting";
    if (h.tunnel.reason && why) line.push(seg(` (${h.tunnel.reason})`, "dim"));
  } else line.push(seg("  read-only, refreshes while listen runs", "dim"));
  if (h.hook) line.push(seg("  okta hook ", "dim"), seg(h.hook));
  line.push(seg("  db ", "dim"), seg(h.db, "dim"));
  return line;
}

function pasteLine(h: HeaderInfo): Line {
  if (h.publicHookUrl)
    return [seg("Paste into Okta  ", "dim"), seg(h.publicHookUrl, "accent", true)];
  if (h.mode === "ui") return listenerLine(h);
  const why =
    h.tunnel.state === "off"
      ? "  (local only: --tunnel none)"
      : h.tunnel.state === "starting"
        ? "  (local; waiting for the tunnel)"
        : "  (local only: the tunnel is down)";
  return [seg("Hook URL  ", "dim"), seg(h.localHookUrl ?? "…"), seg(why, "dim")];
}

/** `okhook ui`: whether a listen runs on this database, so a stale URL is never shown as live. */
function listenerLine(h: HeaderInfo): Line {
  const l = h.listener;
  if (l?.running) {
    const at = l.url
      ? [seg("listening at ", "ok"), seg(l.url, "accent", true)]
      : [seg("starting", "ok")];
    return [seg("● ", "ok"), ...at, seg(` (pid ${l.pid})`, "dim")];
  }
  const last = l?.lastUrl;
  return [
    seg("○ ", "warn"),
    seg("no listener running", "warn"),
    seg(last ? ` (last: ${last})` : "  (start one: okhook listen)", "dim"),
  ];
}

function secret(h: HeaderInfo): Line {
  if (!h.secretLabel)
    return h.mode === "listen" ? [seg("no secret: any request is accepted", "warn")] : [];
  return [seg(`${h.authHeader}: `, "dim"), seg(h.secretLabel)];
}

function targetsLine(h: HeaderInfo): Line {
  if (h.targets.length === 0)
    return [
      seg("Forward to  ", "dim"),
      seg(
        h.mode === "listen"
          ? "nothing (capture only; add --forward-to 3000)"
          : "r replays to each delivery's last forward target",
        "dim",
      ),
    ];
  return [seg("Forward to  ", "dim"), ...h.targets.flatMap((t, i) => target(t, i > 0))];
}

function target(t: TargetInfo, gap: boolean): Line {
  const [word, tone]: [string, Tone] =
    t.health === "up" ? ["up", "ok"] : t.health === "down" ? ["down", "bad"] : ["checking", "dim"];
  const line: Line = gap ? [seg("   ")] : [];
  line.push(seg("● ", tone), seg(t.target), seg(t.receives ? ` ← ${t.receives}` : "", "dim"));
  line.push(seg(` ${word}`, tone));
  if (t.health === "down" && t.reason) line.push(seg(`: ${t.reason}`, "dim"));
  return line;
}

function countersLine(h: HeaderInfo, c: Counters | null): Line {
  const line: Line = [seg(`${h.countersScope}  `, "dim")];
  if (c) {
    const item = (n: number, label: string, tone: Tone) =>
      line.push(seg(count(n), n > 0 ? tone : "dim", n > 0), seg(` ${label}  `, "dim"));
    item(c.received, "received", "plain");
    item(c.forwarded, "forwarded", "ok");
    item(c.failed, "failed", "bad");
    if (c.pending) item(c.pending, "pending", "warn");
    item(c.duplicates, "dup", "warn");
    item(c.rejected, "rejected", "bad");
    if (c.notStored) item(c.notStored, "not stored (flood)", "bad");
    if (c.invalid) item(c.invalid, "invalid", "warn");
    item(c.verifications, "verify", "title");
  }
  return line;
}
