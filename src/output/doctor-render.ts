import type { ChalkInstance } from "chalk";
import type { Check, CheckStatus, DoctorReport } from "../doctor/types.js";
import { guardOutput, safe, toJson } from "../text/sanitize.js";

const MARKS: Record<CheckStatus, string> = { ok: "✓", fail: "✗", warn: "!", skip: "–" };

/** One line per check (its fix indented below), then the verdict. Okta's text is shown, never obeyed. */
export function renderDoctor(r: DoctorReport, c: ChalkInstance): string {
  const head = `okhook doctor · ${safe(r.db)}${r.org ? ` · ${safe(r.org)}` : ""}`;
  const lines = [c.dim(head)];
  for (const check of r.checks) lines.push(...checkLines(check, c));
  lines.push("", verdictLine(r, c));
  return `${guardOutput(lines.join("\n"))}\n`;
}

/** The check as printed: mark, name, detail; the fix on its own line for ✗ and !. */
export function checkLines(check: Check, c: ChalkInstance): string[] {
  const colour =
    check.status === "ok"
      ? c.green
      : check.status === "fail"
        ? c.red
        : check.status === "warn"
          ? c.yellow
          : c.dim;
  const name = check.status === "skip" ? c.dim(safe(check.name)) : c.bold(safe(check.name));
  const detail =
    check.status === "skip" ? c.dim(`skipped: ${safe(check.detail)}`) : safe(check.detail);
  const out = [`${colour(MARKS[check.status])} ${name}: ${detail}`];
  if (check.fix && (check.status === "fail" || check.status === "warn")) {
    out.push(`    ${c.dim("fix:")} ${safe(check.fix)}`);
  }
  return out;
}

function verdictLine(r: DoctorReport, c: ChalkInstance): string {
  const failed = r.checks.filter((x) => x.status === "fail");
  const warned = r.checks.filter((x) => x.status === "warn").length;
  const notes = warned ? ` (${warned} warning${warned > 1 ? "s" : ""})` : "";
  if (r.verdict === "incomplete") {
    const blocked = r.checks.filter((x) => x.cannotCheck !== undefined).map((x) => safe(x.name));
    return c.yellow(
      `! incomplete: could not check ${blocked.join(", ")} (exit ${r.exitCode}); the rest is above`,
    );
  }
  if (r.verdict === "healthy") {
    return c.green(`✓ healthy: every link that could be checked answers${notes}`);
  }
  const names = failed.map((x) => safe(x.name));
  return c.red(
    `✗ ${failed.length} problem${failed.length > 1 ? "s" : ""}: ${names.join("; ")}${notes}. Fix the first one first: each link needs the ones before it.`,
  );
}

/** The report as one JSON document: every check with its name, status, detail and fix. */
export function doctorJson(r: DoctorReport): string {
  const doc = {
    verdict: r.verdict,
    exitCode: r.exitCode,
    db: r.db,
    ...(r.org ? { org: r.org } : {}),
    checks: r.checks.map((x) => ({
      id: x.id,
      name: x.name,
      status: x.status,
      detail: x.detail,
      ...(x.fix ? { fix: x.fix } : {}),
      ...(x.cannotCheck ? { cannotCheck: x.cannotCheck } : {}),
    })),
  };
  return `${toJson(doc)}\n`;
}
