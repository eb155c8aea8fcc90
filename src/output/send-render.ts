import type { FixtureInfo } from "../fixtures/catalog.js";
import type { JudgedSendResult } from "../fixtures/send.js";
import type { VerifyResult } from "../fixtures/verify.js";
import type { OktaEventHookEnvelope } from "../okta/hook-types.js";
import { guardOutput, safe, toJson } from "../text/sanitize.js";
import { padStart } from "../text/width.js";
import { colorFor, duration, eventsLabel, pad, type RenderContext, statusColor } from "./format.js";

/**
 * The fixture list as a table; the user's fixtures are marked (and whether one replaces a
 * built-in of its name). Their names and descriptions come from files anyone may have sent,
 * so they are shown safely.
 */
export function fixturesTable(all: FixtureInfo[], ctx: RenderContext, userDir?: string): string {
  const c = colorFor(ctx.stdout, ctx.env);
  const width = Math.max(...all.map((f) => f.name.length), 4) + 2;
  const lines = [c.dim(`${pad("NAME", width)}DESCRIPTION`)];
  for (const f of all) {
    const type = f.eventType && f.eventType !== f.name ? c.dim(` (${safe(f.eventType)})`) : "";
    const mark =
      f.source === "user" ? c.cyan(f.overrides ? " [yours, replaces built-in]" : " [yours]") : "";
    const text = f.problem ? c.yellow(`cannot be read: ${safe(f.problem)}`) : safe(f.description);
    lines.push(`${pad(c.bold(safe(f.name)), width)}${text}${type}${mark}`);
  }
  const mine = all.filter((f) => f.source === "user").length;
  const where = !userDir
    ? ""
    : mine
      ? ` (${mine} yours in ${safe(userDir)})`
      : ` (none of yours: okhook fixtures capture <id> writes them to ${safe(userDir)})`;
  lines.push(
    c.dim(
      `${all.length} fixtures${where} · okhook fixtures show <name> · okhook send fixture <name>`,
    ),
  );
  return `${lines.join("\n")}\n`;
}

/** Cells the events column of a `send fixture` line takes (longer ones push the line on). */
const WHAT_WIDTH = 28;

/** Per-delivery lines (or NDJSON) and a closing summary for `send fixture`. */
export function sendPrinter(ctx: RenderContext, o: { json: boolean; url: string }) {
  const c = colorFor(ctx.stdout, ctx.env);
  // the endpoint's answer (status text, errors) is whatever it chose to send
  const out = (s: string) => ctx.stdout.write(`${guardOutput(s)}\n`);
  if (!o.json) out(c.dim(`Sending to ${o.url}`));
  let hinted = false;
  return {
    delivery(d: { envelope: OktaEventHookEnvelope; result: JudgedSendResult; copy: number }): void {
      const events = d.envelope.data.events;
      if (o.json) {
        out(
          toJson({
            eventId: d.envelope.eventId,
            events: events.map((e) => ({ uuid: e.uuid, eventType: e.eventType })),
            duplicateOf: d.copy > 0 ? d.envelope.eventId : undefined,
            ...withoutNulls(d.result),
          }),
        );
        return;
      }
      const r = d.result;
      const mark =
        r.verdict === "accepted"
          ? c.green("✓")
          : r.verdict === "would-retry"
            ? c.yellow("↻")
            : c.red("✗");
      // no answer: the status column says so, the error is said once, in the reason
      const status = r.status === null ? c.red("—") : statusColor(c, r.status);
      const why =
        r.status === null && r.error && !r.reason.includes(r.error)
          ? `${r.error}, ${r.reason}`
          : r.reason;
      const verdict =
        r.verdict === "accepted"
          ? c.green("accepted")
          : r.verdict === "would-retry"
            ? c.yellow("would retry")
            : c.red("dropped");
      const what = `${safe(eventsLabel(events.length, events[0] ? String(events[0].eventType) : null))}${d.copy ? c.dim(" (duplicate)") : ""}`;
      out(
        `${mark} ${pad(status, 3)}  ${padStart(duration(r.durationMs), 6)}  ${pad(verdict, 11)}  ${pad(what, WHAT_WIDTH)}  ${c.dim(safe(why))}`,
      );
      if (r.status === 401 && !hinted) {
        hinted = true;
        out(
          c.yellow(
            "  the endpoint wants an auth header: pass --secret <value> or set OKHOOK_SECRET",
          ),
        );
      }
    },
    summary(s: { sent: number; accepted: number; secretSource: string }): void {
      if (o.json) return;
      const auth =
        s.secretSource === "none" ? "no auth header" : `auth header from ${s.secretSource}`;
      const line = `${s.accepted}/${s.sent} accepted by Okta's rules (2xx within 3 s) · ${auth}`;
      out(s.accepted === s.sent ? c.green(line) : c.yellow(line));
    },
  };
}

/** Okta's verification verdict, with the failing rule explained. */
export function verifyText(url: string, r: VerifyResult, ctx: RenderContext): string {
  const c = colorFor(ctx.stdout, ctx.env);
  if (r.verified)
    return `${c.green.bold("VERIFIED")} ${safe(url)} answered the challenge in ${duration(r.durationMs)}\n`;
  // the detail quotes what the endpoint answered (its content-type, its "verification" value)
  return guardOutput(
    `${c.red.bold("NOT VERIFIED")} ${safe(url)}: ${r.rule ?? "failed"} — ${safe(r.detail)}\n`,
  );
}

/** The verification verdict as one JSON line. */
export function verifyJson(url: string, r: VerifyResult): string {
  return `${toJson({ url, ...r })}\n`;
}

/** A send result for `send fixture --json`: fields that are null (no status, no error) are left out. */
function withoutNulls<T extends object>(r: T): Partial<T> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)) as Partial<T>;
}
