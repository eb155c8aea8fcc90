// The inline hook answer linter: request type + HTTP status + headers + body + elapsed time
// → what Okta does with the answer, in Okta's terms. Pure: no I/O, no clock. The order of
// checks is research §8; the first check that decides the verdict wins, later findings are
// still collected where they can be (a slow answer's body is linted too, so one run shows
// every mistake).
import { OKTA_HOOK_TIMEOUT_MS as OKTA_TIMEOUT_MS } from "../okta/hook-types.js";
import { Findings } from "./commands.js";
import { CONTRACTS } from "./contract.js";
import { type Decision, upper } from "./decision.js";
import { lintBody } from "./lint-body.js";
import type { InlineTypeName, InlineVerdict } from "./types.js";

/** One answer to judge. */
export interface LintInput {
  type: InlineTypeName;
  /** The request Okta sent (parsed JSON): the commands are checked against it. */
  request: unknown;
  /** HTTP status, or null when no answer came (see `timedOut` / `error`). */
  status: number | null;
  headers?: Record<string, string | string[] | undefined>;
  body?: Uint8Array;
  /** The whole answer's size when `body` holds only its first bytes. */
  bodyBytes?: number;
  /** From the request leaving to the answer's last byte (or to giving up). */
  elapsedMs: number;
  /** No answer within the wait. */
  timedOut?: boolean;
  /** Why there is no answer (connection refused, reset…). */
  error?: string;
  /** Okta's limit; 3 s unless Okta Support raised it for the hook (KB-TIMEOUT). */
  timeoutMs?: number;
  /** How to name the limit in messages when it is not Okta's own (listen's earlier cut-off). */
  limitText?: string;
}

/** Judge one answer as Okta would. */
export function lintAnswer(input: LintInput): InlineVerdict {
  const f = new Findings();
  const transport = judgeTransport(input, f);
  const body = transport && input.status !== 200 ? undefined : lintBody(input, f);
  const d = transport ?? body!;
  return {
    type: input.type,
    applied:
      d.outcome === "applied" ||
      d.outcome === "default" ||
      (d.outcome === "error" && d.basis !== "undocumented"),
    outcome: d.outcome,
    okta: d.okta,
    basis: d.basis,
    retried: d.retried ?? false,
    problems: f.list,
  };
}

/** Timing and status: a decision when the call itself failed (or was a 204). */
function judgeTransport(input: LintInput, f: Findings): Decision | undefined {
  const c = CONTRACTS[input.type];
  const limit = input.timeoutMs ?? OKTA_TIMEOUT_MS;
  const retry = c.retriedOnce ? "Okta retries once" : "not retried";
  const failed = (reason: string, retried: boolean) => {
    f.error(reason);
    return {
      outcome: "failed" as const,
      okta: `${upper(c.failed)}: ${reason}`,
      basis: "documented" as const,
      retried,
    };
  };
  if (input.status === null) {
    if (input.timedOut) {
      return failed(
        `no answer within ${input.limitText ?? seconds(limit)} (${retry})`,
        c.retriedOnce,
      );
    }
    return failed(`${input.error ?? "the connection failed"} (${retry})`, c.retriedOnce);
  }
  const s = input.status;
  // A late answer is no answer: Okta stopped waiting at the limit (CON "Time out and retry").
  if (input.elapsedMs > limit) {
    return failed(
      `answered after ${seconds(input.elapsedMs)}, over ${input.limitText ?? `Okta's ${seconds(limit)} limit`} (${retry})`,
      c.retriedOnce,
    );
  }
  // CON: redirects are not followed; whether Okta retries after one is not stated.
  if (s >= 300 && s < 400) return failed(`HTTP ${s}: Okta doesn't follow redirects`, false);
  if (s >= 400 && s < 500)
    return failed(`HTTP ${s}: the call failed (a 4xx is never retried)`, false);
  if (s >= 500) return failed(`HTTP ${s}: the call failed (${retry})`, c.retriedOnce);
  if (s < 200) return failed(`HTTP ${s} is not an answer`, false);
  if (s === 204) return judge204(input, f);
  if (s !== 200) {
    if (c.only200) return failed(`HTTP ${s}: Okta skips the hook on any status but 200`, false);
    f.warn(
      `HTTP ${s}: Okta documents 200 (or 204); it counts other 2xx as success but may not read the body`,
    );
  }
  return undefined;
}

function judge204(input: LintInput, f: Findings): Decision {
  const c = CONTRACTS[input.type];
  if (!c.allows204) {
    const reason = "HTTP 204: a telephony hook must answer 200 with com.okta.telephony.action";
    f.error(reason);
    return { outcome: "failed", okta: `${upper(c.failed)}: ${reason}`, basis: "documented" };
  }
  if ((input.bodyBytes ?? input.body?.length ?? 0) > 0)
    f.warn("a 204 carries no body: Okta ignores what was sent");
  return { outcome: "default", okta: upper(c.defaultAction), basis: "documented" };
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1))} s`;
}
