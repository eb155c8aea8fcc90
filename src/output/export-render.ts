import type { ImportSummary } from "../export/import-plan.js";
import type { CapturePlan } from "../fixtures/capture.js";
import { displayPath } from "../fixtures/load.js";
import { PII_KINDS, type PiiKind } from "../fixtures/pseudonyms.js";
import { safe, toJson } from "../text/sanitize.js";
import { colorFor, plural, type RenderContext } from "./format.js";
import { ProgressBar } from "./progress.js";

const KIND_LABELS: Record<PiiKind, [string, string]> = {
  name: ["name", "names"],
  email: ["email or login", "emails and logins"],
  phone: ["phone number", "phone numbers"],
  ip: ["IP address", "IP addresses"],
  location: ["place", "places"],
  network: ["ISP, AS number or domain", "ISPs, AS numbers and domains"],
  userAgent: ["user agent", "user agents"],
  userId: ["user id", "user ids"],
  groupId: ["group id", "group ids"],
  sessionId: ["session id", "session ids"],
  device: ["device id or name", "device ids and names"],
};

/** "2 names, 1 IP address, …": how many distinct values of each kind were replaced. */
export function replacedText(counts: Partial<Record<PiiKind, number>>): string {
  const parts = PII_KINDS.filter((k) => counts[k]).map((k) => {
    const n = counts[k]!;
    return `${n} ${KIND_LABELS[k][n === 1 ? 0 : 1]}`;
  });
  return parts.length ? parts.join(", ") : "nothing (no personal data found)";
}

/** What `okhook fixtures capture` wrote and replaced (counts only, never the values). */
export function captureSummary(
  plan: CapturePlan,
  paths: string[],
  ctx: RenderContext,
  json: boolean,
): string {
  if (json)
    return `${toJson({
      files: plan.files.map((f, i) => ({ name: f.name, file: paths[i], eventTypes: f.eventTypes })),
      scrubbed: plan.scrubbed,
      replaced: plan.counts,
    })}\n`;
  const c = colorFor(ctx.stdout, ctx.env);
  const lines = [`Wrote ${plan.files.length} fixture${plan.files.length === 1 ? "" : "s"}:`];
  plan.files.forEach((f, i) => {
    lines.push(`  ${safe(displayPath(paths[i]!))}  ${c.dim(safe(f.eventTypes.join(", ")))}`);
  });
  if (plan.scrubbed)
    lines.push(`Replaced ${replacedText(plan.counts)} with consistent pseudonyms.`);
  else lines.push(c.yellow("Kept the REAL personal data (--keep-pii): do not share these files."));
  lines.push(c.dim(`Send one: okhook send fixture ${safe(plan.files[0]!.name)}`));
  return `${lines.join("\n")}\n`;
}

/** One line after an export, on stderr (stdout may be the export itself). */
export function exportSummary(o: {
  deliveries: number;
  entries?: number;
  out: string;
  bytes: number;
}): string {
  const entries = o.entries !== undefined ? ` (${o.entries} HAR entries)` : "";
  return `okhook: exported ${o.deliveries} deliver${o.deliveries === 1 ? "y" : "ies"}${entries} to ${safe(o.out)} (${megabytes(o.bytes)})\n`;
}

/** What an import stored, and how to look at it. */
export function importSummary(
  s: ImportSummary,
  db: string,
  ctx: RenderContext,
  json: boolean,
): string {
  if (json) return `${toJson({ ...s, db })}\n`;
  const c = colorFor(ctx.stdout, ctx.env);
  const notes = [
    plural(s.events, "event"),
    plural(s.attempts, "attempt"),
    ...(s.duplicateEvents
      ? [`${plural(s.duplicateEvents, "duplicate event")} (uuids already stored)`]
      : []),
    ...(s.renamed ? [`${s.renamed} given new ids (theirs were taken)`] : []),
  ];
  return `Imported ${s.deliveries} deliver${s.deliveries === 1 ? "y" : "ies"} (${notes.join(", ")}) into ${safe(db)}\n${c.dim(`Browse: okhook ui --db ${safe(db)} · okhook replay <id> --db ${safe(db)}`)}\n`;
}

/** A progress bar on stderr when it is a terminal: deliveries for export, bytes for import. */
export function streamProgress(
  ctx: RenderContext & { stderr: NodeJS.WriteStream },
  total: number,
  unit: "deliveries" | "bytes",
) {
  if (!ctx.stderr.isTTY || total <= 0) return undefined;
  const c = colorFor(ctx.stderr, ctx.env);
  const amount =
    unit === "bytes" ? (d: number, t: number) => `${megabytes(d)}/${megabytes(t)}` : undefined;
  return new ProgressBar((s) => ctx.stderr.write(s), total, c, amount);
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${(bytes / 1024).toFixed(1)} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
