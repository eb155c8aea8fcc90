import type { ChalkInstance } from "chalk";
import { inlineTypeOf } from "../inline/types.js";
import type { DeliveryRow, InlineExchangeRow } from "../store/types.js";
import { safe } from "../text/sanitize.js";
import { localTime } from "./deliveries-table.js";
import { duration, statusColor } from "./format.js";
import { answerPreview, problemLines } from "./inline-render.js";

/** `okhook show` for an inline hook request: every answer, oldest first, with Okta's verdict. */
export function inlineSection(
  c: ChalkInstance,
  r: DeliveryRow,
  xs: readonly InlineExchangeRow[],
): string[] {
  const type = inlineTypeOf(r.firstEventType) ?? "?";
  const out = [
    "",
    c.bold(`Inline hook: ${type} (${xs.length} answer${xs.length === 1 ? "" : "s"})`),
  ];
  const masked = xs.find((x) => x.redacted)?.redacted;
  if (masked) {
    const paths = masked.filter((m) => !m.path.startsWith("("));
    out.push(
      c.dim(
        `  secrets masked before storing: ${masked.map((m) => `${m.path} (${m.what})`).join(", ")}`,
      ),
      ...(paths.length
        ? [c.dim(`  a replay needs them again: ${paths.map((m) => `--set ${m.path}=…`).join(" ")}`)]
        : []),
    );
  }
  if (xs.length === 0) out.push(c.dim("  no answer recorded yet"));
  for (const x of xs) out.push(...exchangeLines(c, x));
  return out;
}

/** One answer: who asked, what came back, what went to Okta, what Okta does, what is wrong. */
export function exchangeLines(c: ChalkInstance, x: InlineExchangeRow): string[] {
  const app =
    x.status === null
      ? c.red(safe(x.error ?? (x.timedOut ? "no answer" : "failed")))
      : `${statusColor(c, x.status)} in ${duration(x.elapsedMs)} · ${x.answerSize} bytes${x.answerType ? c.dim(` · ${safe(x.answerType)}`) : ""}`;
  const okta = x.fallback
    ? c.yellow(`  okhook answered Okta ${x.replyStatus} (${x.fallback})`)
    : "";
  const mark = x.applied ? c.green.bold("APPLIED") : c.red.bold("NOT APPLIED");
  const okhookNote =
    x.basis === "failure-rule"
      ? c.dim(" (general failure rule)")
      : x.basis === "undocumented"
        ? c.dim(" (undocumented)")
        : "";
  const lines = [
    `  ${c.bold(x.kind)} ${localTime(x.startedAt)} → ${safe(x.target ?? "no app")}  ${app}${okta}`,
    `    ${mark} ${safe(x.okta)}${okhookNote}${x.retried ? c.dim(" · Okta calls once more") : ""}`,
    ...problemLines(c, x.problems).map((l) => `  ${l}`),
  ];
  if (x.answer?.length) {
    lines.push(
      c.dim("    answer:"),
      ...answerPreview(x.answer, x.answerSize)
        .split("\n")
        .map((l) => `      ${l}`),
    );
  }
  return lines;
}

/** Exchanges as JSON: answer as exact text (or base64), times as ISO 8601. */
export function inlineJson(xs: readonly InlineExchangeRow[]): unknown[] {
  return xs.map((x) => {
    const text = x.answer ? x.answer.toString("utf8") : null;
    const exact = x.answer && text !== null && Buffer.from(text, "utf8").equals(x.answer);
    return {
      ...x,
      startedAt: new Date(x.startedAt).toISOString(),
      answer: x.answer ? (exact ? text : x.answer.toString("base64")) : null,
      answerEncoding: exact || !x.answer ? "utf8" : "base64",
    };
  });
}
