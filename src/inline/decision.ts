// A decided verdict before its findings are attached, and the two ways the linter turns
// findings into one: an unusable answer, or a per-type judgement.
import type { Findings, Judgement } from "./commands.js";
import { CONTRACTS, FAILURE_RULE_NOTE } from "./contract.js";
import type { InlineOutcome, InlineTypeName, VerdictBasis } from "./types.js";

/** A decided verdict before the problems are attached. */
export interface Decision {
  outcome: InlineOutcome;
  okta: string;
  basis: VerdictBasis;
  retried?: boolean;
}

/** The verdict for an answer Okta can't use, with the first error as the reason. */
export function invalidDecision(type: InlineTypeName, f: Findings): Decision {
  const c = CONTRACTS[type].invalid;
  const reason = f.firstError() ?? "the answer is not usable";
  const note = c.basis === "failure-rule" ? ` (${FAILURE_RULE_NOTE})` : "";
  return { outcome: "invalid", okta: `${upper(c.okta)}: ${reason}${note}`, basis: c.basis };
}

/** Turn a per-type judgement into a decision. */
export function fromJudgement(type: InlineTypeName, j: Judgement, f: Findings): Decision {
  if (j.outcome === "invalid") return invalidDecision(type, f);
  if (j.outcome === "default") {
    return { outcome: "default", okta: upper(CONTRACTS[type].defaultAction), basis: "documented" };
  }
  return { outcome: "applied", okta: upper(j.okta), basis: "documented" };
}

/** First letter upper-case: contract phrases start mid-sentence. */
export function upper(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
