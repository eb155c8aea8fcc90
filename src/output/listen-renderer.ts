import type { ChalkInstance } from "chalk";
import type { DeliverySummary, ForwardOutcome, SessionEvent } from "../events.js";
import { describeRoutes, routingNotes } from "../forward/routes.js";
import { shortId } from "../store/ids.js";
import { carriesEvents } from "../store/types.js";
import {
  authColor,
  clock,
  duration,
  eventsLabel,
  kindColor,
  mask,
  pad,
  statusColor,
} from "./format.js";

/** What the status block shows besides what session events carry. */
export interface StatusInfo {
  version: string;
  secret: string | undefined;
  secretGenerated: boolean;
  showSecret: boolean;
  authHeader: string;
  targets: string[];
  routes: { pattern: string | null; target: string }[];
  tunnelMode: string;
}

/** Renders session events as plain text lines (compact) or NDJSON (json), or nothing (quiet). */
export type OutputMode = "compact" | "json" | "quiet";

/** Attach a plain renderer to a session's events. Returns the listener to register on the bus. */
export function plainRenderer(
  mode: OutputMode,
  out: { write: (s: string) => unknown },
  c: ChalkInstance,
  info: StatusInfo,
): (e: SessionEvent) => void {
  if (mode === "json")
    return (e) => out.write(`${JSON.stringify({ ts: new Date().toISOString(), ...e })}\n`);
  if (mode === "quiet") return () => {};
  return compactRenderer(out, c, info);
}

function compactRenderer(
  out: { write: (s: string) => unknown },
  c: ChalkInstance,
  info: StatusInfo,
) {
  const waiting = new Map<number, DeliverySummary>();
  const line = (s: string) => out.write(`${s}\n`);
  return (e: SessionEvent): void => {
    switch (e.type) {
      case "listening":
        line(statusBlock(c, info, e));
        return;
      case "delivery":
        if (e.delivery.forwardState === "pending") waiting.set(e.delivery.seq, e.delivery);
        else line(deliveryLine(c, e.delivery, null));
        return;
      case "forward":
        forwardLines(c, e.outcome, waiting, line);
        return;
      case "target":
        line(
          e.health === "up"
            ? `${c.green("●")} target ${e.target} is up${waiting.size ? "; forwarding what waited" : ""}`
            : `${c.red("●")} target ${e.target} is down: ${e.reason ?? "unreachable"} — deliveries are stored and forwarded when it is back`,
        );
        return;
      case "tunnel":
        line(tunnelLine(c, e));
        return;
      case "hook":
        line(
          `${c.cyan("●")} Okta event hook ${e.hookId}: ${e.status}, ${e.verificationStatus}${e.detail ? ` — ${e.detail}` : ""}`,
        );
        return;
      case "warning":
        line(c.yellow(`! ${e.message}`));
        return;
      case "error":
        line(c.red(`✖ ${e.message}`));
        return;
      case "stopping":
        line(c.dim(`Stopping (${e.reason}): finishing acknowledgements and forwards…`));
        return;
      case "stopped":
        line(c.dim("Stopped. Everything received is in the database."));
        return;
      default:
        return;
    }
  };
}

function forwardLines(
  c: ChalkInstance,
  o: ForwardOutcome,
  waiting: Map<number, DeliverySummary>,
  line: (s: string) => void,
): void {
  const d = waiting.get(o.seq);
  if (o.next === "retry") {
    line(
      c.dim(
        `  ↻ ${shortId(o.deliveryId)} attempt ${o.attempt} → ${o.status ?? o.error}; retrying${o.retryInMs === undefined ? "" : ` in ${duration(o.retryInMs)}`}`,
      ),
    );
    return;
  }
  if (!d) {
    if (o.next === "forwarded")
      line(
        c.dim(
          `  ↳ ${shortId(o.deliveryId)} forwarded to ${o.target} (${statusColor(c, o.status)}, ${duration(o.durationMs)})`,
        ),
      );
    return;
  }
  if (o.next === "parked") {
    line(`${deliveryLine(c, d, o)}`);
    return;
  }
  waiting.delete(o.seq);
  line(deliveryLine(c, d, o));
  if (o.slow)
    line(
      c.yellow(
        `  ⚠ ${shortId(o.deliveryId)}: the target took ${duration(o.durationMs)} — Okta would have timed out here (3 s)`,
      ),
    );
}

/** One compact line: time, id, kind, events, auth, status sent, forward status and duration. */
export function deliveryLine(
  c: ChalkInstance,
  d: DeliverySummary,
  f: ForwardOutcome | null,
): string {
  const what = carriesEvents(d.kind)
    ? `${eventsLabel(d.eventCount, d.firstEventType)}${d.duplicateCount ? c.yellow(` (${d.duplicateCount} dup)`) : ""}`
    : `${d.method} ${d.path}${d.reason ? c.dim(` ${d.reason}`) : ""}`;
  const parts = [
    c.dim(clock(d.receivedAt)),
    c.bold(shortId(d.id)),
    pad(kindColor(c, d.kind), 12),
    pad(what, 34),
    pad(authColor(c, d.auth), 10),
    statusColor(c, d.status),
    c.dim(`ack ${duration(d.ackMs)}`),
  ];
  if (f) parts.push(forwardPart(c, f));
  else if (carriesEvents(d.kind) && d.forwardState === "none") parts.push(c.dim("→ captured"));
  return parts.join("  ");
}

function forwardPart(c: ChalkInstance, f: ForwardOutcome): string {
  if (f.next === "parked") return c.yellow("→ queued (target down)");
  const status = f.status === null ? c.red(f.error ?? "error") : statusColor(c, f.status);
  const word = f.next === "forwarded" ? c.green("forwarded") : c.red("failed");
  return `→ ${word} ${status} ${duration(f.durationMs)}${f.attempt > 1 ? c.dim(` (attempt ${f.attempt})`) : ""}`;
}

function tunnelLine(c: ChalkInstance, e: Extract<SessionEvent, { type: "tunnel" }>): string {
  switch (e.state) {
    case "ready":
      return `${c.green("●")} tunnel ready: ${c.bold(e.publicUrl ?? "")}\n  Paste into Okta: ${c.bold.underline(e.hookUrl ?? "")}`;
    case "starting":
      return c.dim("● tunnel starting…");
    case "failed":
      return `${c.red("●")} tunnel failed: ${e.reason ?? "unknown"} — still listening locally`;
    case "exited":
      return `${c.red("●")} tunnel exited: ${e.reason ?? ""}`;
    default:
      return c.dim("● tunnel off");
  }
}

/** The block printed once listening: where to send, what to paste, where it goes. */
export function statusBlock(
  c: ChalkInstance,
  info: StatusInfo,
  e: Extract<SessionEvent, { type: "listening" }>,
): string {
  const row = (k: string, v: string) => `  ${c.dim(pad(k, 14))}${v}`;
  const secret = info.secret
    ? `${info.authHeader}: ${info.showSecret ? info.secret : mask(info.secret)}${info.showSecret ? "" : c.dim("  (--show-secret to reveal)")}${info.secretGenerated ? c.dim("  generated") : ""}`
    : c.dim("none (any request is accepted; set --secret or OKHOOK_SECRET)");
  const targets = info.routes.length
    ? [
        ...describeRoutes(info.routes).map(
          (t) => `${t.target}${t.receives ? c.dim(` ← ${t.receives}`) : ""}`,
        ),
        ...routingNotes(info.routes).map((n) => c.dim(n)),
      ].join(`\n${" ".repeat(16)}`)
    : c.dim("none (capture only; add --forward-to 3000)");
  const lines = [
    `${c.bold("okhook listen")} ${c.dim(`v${info.version}`)}`,
    row("Local", e.localUrl),
    row("Hook URL", e.hookUrl),
    row(
      "Public",
      info.tunnelMode === "none" ? c.dim("off (--tunnel none)") : c.dim("starting tunnel…"),
    ),
    row("Auth header", secret),
    row("Forward to", targets),
    row("Database", e.db),
  ];
  if (e.resumed)
    lines.push(
      row("Resuming", `${e.resumed} delivery(ies) stored but not forwarded by the last run`),
    );
  if (e.tookOver)
    lines.push(
      c.dim(
        `  The last listen on this database (pid ${e.tookOver.pid}) ended without a clean stop; carrying on from it.`,
      ),
    );
  lines.push(c.dim("Waiting for deliveries… Ctrl+C to stop."));
  return lines.join("\n");
}
