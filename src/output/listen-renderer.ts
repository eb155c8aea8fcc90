import type { ChalkInstance } from "chalk";
import type { EventBus, SessionEvent } from "../events.js";
import { describeRoutes, routingNotes } from "../forward/routes.js";
import { guardOutput, toJson } from "../text/sanitize.js";
import { VERSION } from "../version.js";
import { deliveryLine, forwardLine, inlineLine } from "./delivery-lines.js";
import { colorFor, mask, pad, plural, type RenderContext } from "./format.js";

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
  /** Path and target of inline hook requests. */
  inlinePath?: string;
  inlineTarget?: string;
  /**
   * When listen is ready for deliveries, to say "Waiting for deliveries…": at once, once the
   * tunnel is up (a required tunnel: its failure ends the run), or once the hook is
   * registered (`--register`). Default: at once.
   */
  readyWhen?: "started" | "tunnel" | "hook";
}

const WAITING = "Waiting for deliveries… Ctrl+C to stop.";

/** Renders session events as plain text lines (compact) or NDJSON (json), or nothing (quiet). */
export type OutputMode = "compact" | "json" | "quiet";

/** Attach a plain renderer to a session's events. Returns the listener to register on the bus. */
export function plainRenderer(
  mode: OutputMode,
  out: { write: (s: string) => unknown },
  c: ChalkInstance,
  info: StatusInfo,
  now: () => number = Date.now,
  width: () => number | undefined = () => undefined,
): (e: SessionEvent) => void {
  if (mode === "json") return (e) => out.write(`${sessionEventJson(e, now())}\n`);
  if (mode === "quiet") return () => {};
  return compactRenderer(out, c, info, now, width);
}

/**
 * One NDJSON line: the event with `ts`, times as ISO 8601 like every other JSON okhook
 * prints (`deliveries --json`, `show --json`), and nothing a terminal could act on.
 */
export function sessionEventJson(e: SessionEvent, at: number): string {
  const event =
    e.type === "delivery"
      ? {
          ...e,
          delivery: { ...e.delivery, receivedAt: new Date(e.delivery.receivedAt).toISOString() },
        }
      : e;
  return toJson({ ts: new Date(at).toISOString(), ...event });
}

function compactRenderer(
  out: { write: (s: string) => unknown },
  c: ChalkInstance,
  info: StatusInfo,
  now: () => number,
  /** The terminal's columns when stdout is one (lines fit it), else undefined (full lines). */
  width: () => number | undefined,
) {
  const waiting = new Set<number>();
  let lastReadyUrl: string | undefined;
  // said once everything this run needs is up; never when a required part fails to start
  let saidReady = false;
  const ready = (when: StatusInfo["readyWhen"]) => {
    if (saidReady || (info.readyWhen ?? "started") !== when) return;
    saidReady = true;
    line(c.dim(WAITING));
  };
  // Fields are made safe where they are inserted; the guard catches anything else a message
  // quotes (a tunnel error, a warning naming a path) before it reaches the terminal.
  const line = (s: string) => out.write(`${guardOutput(s)}\n`);
  return (e: SessionEvent): void => {
    switch (e.type) {
      case "listening":
        line(statusBlock(c, info, e));
        ready("started");
        return;
      case "delivery":
        if (e.delivery.forwardState === "pending") waiting.add(e.delivery.seq);
        line(deliveryLine(c, e.delivery, width()));
        return;
      case "forward":
        if (e.outcome.next === "forwarded" || e.outcome.next === "failed")
          waiting.delete(e.outcome.seq);
        for (const l of forwardLine(c, e.outcome, now())) line(l);
        return;
      case "target":
        line(
          e.health === "up"
            ? `${c.green("●")} target ${e.target} is up${waiting.size ? "; forwarding what waited" : ""}`
            : `${c.red("●")} target ${e.target} is down: ${e.reason ?? "unreachable"} — deliveries are stored and forwarded when it is back`,
        );
        return;
      case "tunnel": {
        const text = tunnelLine(c, e, lastReadyUrl, info.inlinePath);
        if (e.state === "ready") lastReadyUrl = e.publicUrl;
        if (text !== null) line(text);
        if (e.state === "ready") ready("tunnel");
        return;
      }
      case "hook":
        line(
          `${c.cyan("●")} Okta event hook ${e.hookId}: ${e.status}, ${e.verificationStatus}${e.detail ? ` — ${e.detail}` : ""}`,
        );
        if (e.detail !== "deactivated") ready("hook");
        return;
      case "inline-hook":
        line(
          `${c.cyan("●")} Okta ${e.inlineType} inline hook ${e.hookId}: ${e.status} — ${e.detail}`,
        );
        return;
      case "inline":
        for (const l of inlineLine(c, e.exchange, now())) line(l);
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
        line(c.dim(`Stopped. Everything received is in the database.${pendingNote(e.pending)}`));
        return;
      default:
        return;
    }
  };
}

/** What waits after a stop: `N deliveries wait…` (empty when none). */
export function pendingNote(pending: number): string {
  if (!pending) return "";
  const n = pending === 1 ? "1 delivery waits" : `${pending} deliveries wait`;
  return ` ${n} to be forwarded: the next okhook listen on this database forwards them.`;
}

function tunnelLine(
  c: ChalkInstance,
  e: Extract<SessionEvent, { type: "tunnel" }>,
  lastReadyUrl: string | undefined,
  inlinePath?: string,
): string | null {
  switch (e.state) {
    case "ready":
      if (e.publicUrl === lastReadyUrl)
        return `${c.green("●")} tunnel ready again: ${e.publicUrl} (same URL)`;
      return `${c.green("●")} tunnel ready: ${c.bold(e.publicUrl ?? "")}\n  Paste into Okta: ${c.bold.underline(e.hookUrl ?? "")}${inlinePath && e.publicUrl ? `\n  Inline hooks:    ${c.bold.underline(new URL(inlinePath, e.publicUrl).toString())}` : ""}`;
    case "reconnecting":
      return `${c.yellow("●")} tunnel reconnecting: ${e.reason ?? "edge connection lost"} — Okta cannot reach ${e.publicUrl ?? "the public URL"} until it is back (Okta retries once)`;
    case "starting":
      return e.reason
        ? `${c.yellow("●")} tunnel starting: ${e.reason}`
        : c.dim("● tunnel starting…");
    case "failed":
      // fatal: listen stops and says why once, on stderr
      if (e.fatal) return null;
      return `${c.red("●")} tunnel failed: ${e.reason ?? "unknown"} — still listening locally`;
    case "stopped":
      return c.dim(`● tunnel stopped${e.reason ? `: ${e.reason}` : ""}`);
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
    ...(e.inlineUrl
      ? [
          row(
            "Inline hooks",
            `${e.inlineUrl} → ${info.inlineTarget ?? c.dim("no app (okhook answers 502; add --inline-to 3000)")}`,
          ),
        ]
      : []),
    row("Database", e.db),
  ];
  if (e.resumed)
    lines.push(
      row(
        "Resuming",
        `${plural(e.resumed, "delivery", "deliveries")} stored but not forwarded by the last run`,
      ),
    );
  if (e.tookOver)
    lines.push(
      c.dim(
        `  The last listen on this database (pid ${e.tookOver.pid}) ended without a clean stop; carrying on from it.`,
      ),
    );
  return lines.join("\n");
}

/** Attach the plain renderer for `listen` to the session's events; returns a detach function. */
export function attachPlainRenderer(o: {
  mode: OutputMode;
  bus: EventBus;
  ctx: RenderContext;
  info: Omit<StatusInfo, "version">;
  /** Where the lines go (default: stdout). */
  out?: { write: (s: string) => unknown };
}): () => void {
  const c = colorFor(o.ctx.stdout, o.ctx.env);
  const out = o.out ?? o.ctx.stdout;
  const stdout = o.ctx.stdout;
  // read at each line: the terminal may be resized while listen runs
  const width = () => (stdout.isTTY ? stdout.columns : undefined);
  return o.bus.on(plainRenderer(o.mode, out, c, { ...o.info, version: VERSION }, Date.now, width));
}
