import type { ChalkInstance } from "chalk";
import type { InlineFixtureInfo } from "../inline/fixtures.js";
import type { InlineExchange } from "../inline/send.js";
import type { InlineVerdict, LintProblem } from "../inline/types.js";
import type { ExecuteResult } from "../okta/inline-hooks.js";
import { guardOutput, safe, safeLines, toJson } from "../text/sanitize.js";
import { duration, pad, statusColor } from "./format.js";

/** Answer bytes shown under a verdict (the rest is counted). */
export const ANSWER_PREVIEW_CHARS = 2000;

/** A one-word mark for a verdict: APPLIED / NOT APPLIED. */
export function verdictMark(c: ChalkInstance, v: InlineVerdict): string {
  if (v.applied)
    return c.green.bold(
      v.outcome === "applied" ? "APPLIED" : v.outcome === "default" ? "DEFAULT" : "ERROR HONOURED",
    );
  return c.red.bold("NOT APPLIED");
}

/**
 * What `send inline` prints: the call, Okta's verdict in its words, and each finding. Every
 * piece that came from the app (status text, messages quoting its body) is made safe.
 */
export function inlineVerdictText(
  c: ChalkInstance,
  r: {
    what: string;
    url: string;
    exchange: InlineExchange;
    verdict: InlineVerdict;
    showAnswer?: boolean;
  },
): string {
  const x = r.exchange;
  const head =
    x.status === null
      ? c.red(x.timedOut ? "no answer" : safe(x.error ?? "failed"))
      : `${statusColor(c, x.status)} · ${duration(x.elapsedMs)} · ${bytes(x.bodyBytes)}`;
  const lines = [
    `${verdictMark(c, r.verdict)} ${safe(r.what)} → ${safe(r.url)}  ${head}`,
    `  ${verdictLine(c, r.verdict)}`,
    ...problemLines(c, r.verdict.problems),
  ];
  if (r.showAnswer && x.bodyBytes > 0)
    lines.push(c.dim("  answer:"), indent(answerPreview(x.body, x.bodyBytes)));
  return guardOutput(`${lines.join("\n")}\n`);
}

/** Okta's words, coloured by outcome, with a note when Okta documents nothing for the case. */
export function verdictLine(c: ChalkInstance, v: InlineVerdict): string {
  const text = safe(v.okta) + (v.retried ? c.dim(" · Okta calls the hook once more") : "");
  if (v.applied) return c.green(text);
  return v.outcome === "failed" ? c.yellow(text) : c.red(text);
}

/** `✗ commands[0].type  unknown command type …` / `! Content-Type is …` */
export function problemLines(c: ChalkInstance, problems: readonly LintProblem[]): string[] {
  return problems.map((p) => {
    const mark = p.level === "error" ? c.red("✗") : c.yellow("!");
    return `  ${mark} ${p.at ? `${c.dim(safe(p.at))}  ` : ""}${safe(p.message)}`;
  });
}

/** The `send inline --json` document. */
export function inlineVerdictJson(r: {
  what: string;
  url: string;
  exchange: InlineExchange;
  verdict: InlineVerdict;
}): string {
  const x = r.exchange;
  return `${toJson({
    fixture: r.what,
    url: r.url,
    status: x.status,
    elapsedMs: x.elapsedMs,
    bytes: x.bodyBytes,
    timedOut: x.timedOut,
    error: x.error,
    answer: x.body.subarray(0, 64 * 1024).toString("utf8"),
    ...r.verdict,
  })}\n`;
}

/** `okhook inline execute`: the app's answer as Okta returned it, and okhook's verdict on it. */
export function executeText(
  c: ChalkInstance,
  r: { hookId: string; what: string; result: ExecuteResult; verdict?: InlineVerdict },
): string {
  const lines: string[] = [];
  if (!r.result.ok) {
    lines.push(`${c.red.bold("OKTA REFUSED THE ANSWER")} hook ${safe(r.hookId)} (${safe(r.what)})`);
    lines.push(`  ${c.red(safe(r.result.message))}`);
    lines.push(
      c.dim(
        "  Okta's execute answers 400 when the call timed out, failed, or the answer broke the type's contract",
      ),
    );
  } else {
    lines.push(
      `${c.green.bold("OKTA GOT AN ANSWER")} hook ${safe(r.hookId)} (${safe(r.what)}); the app answered:`,
    );
    lines.push(
      indent(answerPreview(Buffer.from(JSON.stringify(r.result.response, null, 2)), undefined)),
    );
    if (r.verdict)
      lines.push(
        `  ${verdictMark(c, r.verdict)} ${verdictLine(c, r.verdict)}`,
        ...problemLines(c, r.verdict.problems),
      );
  }
  return guardOutput(`${lines.join("\n")}\n`);
}

/** The answer as text, pretty-printed when it is JSON, cut at ANSWER_PREVIEW_CHARS. */
export function answerPreview(body: Uint8Array, total = body.length): string {
  let text = Buffer.from(body).toString("utf8");
  try {
    text = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: shown as it came
  }
  const cut =
    text.length > ANSWER_PREVIEW_CHARS
      ? `${text.slice(0, ANSWER_PREVIEW_CHARS)}\n… (${bytes(total)} in all)`
      : text;
  return safeLines(cut);
}

function indent(s: string): string {
  return s
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}

/** The inline fixtures as a table: name, type, description. */
export function inlineFixturesTable(c: ChalkInstance, all: readonly InlineFixtureInfo[]): string {
  const width = Math.max(...all.map((f) => f.name.length), 4) + 2;
  const lines = [c.dim(`${pad("NAME", width)}${pad("TYPE", 17)}DESCRIPTION`)];
  for (const f of all)
    lines.push(`${pad(c.bold(f.name), width)}${pad(f.type, 17)}${f.description}`);
  lines.push(
    c.dim(
      `${all.length} inline fixtures · okhook fixtures inline <name> · okhook send inline <type|name> --to <url>`,
    ),
  );
  return guardOutput(`${lines.join("\n")}\n`);
}
