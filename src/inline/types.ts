// The six inline hook types okhook knows, and the shapes every inline module shares.
// Contract: /work/research/inline-hooks-verified.md (tags CON, REF-*, OAS, G-* are its §0).

/** The names users type: `okhook send inline token`. */
export const INLINE_TYPE_NAMES = [
  "token",
  "registration",
  "password-import",
  "user-import",
  "saml",
  "telephony",
] as const;

/** One of the six inline hook types. */
export type InlineTypeName = (typeof INLINE_TYPE_NAMES)[number];

/** `eventType` of each request, as Okta's `InlineHookType` enum spells it (OAS). */
export const INLINE_EVENT_TYPES: Record<InlineTypeName, string> = {
  token: "com.okta.oauth2.tokens.transform",
  registration: "com.okta.user.pre-registration",
  "password-import": "com.okta.user.credential.password.import",
  "user-import": "com.okta.import.transform",
  saml: "com.okta.saml.tokens.transform",
  telephony: "com.okta.telephony.provider",
};

/** The type a request's `eventType` names, or undefined for anything else. */
export function inlineTypeOf(eventType: unknown): InlineTypeName | undefined {
  if (typeof eventType !== "string") return undefined;
  return INLINE_TYPE_NAMES.find((t) => INLINE_EVENT_TYPES[t] === eventType);
}

/** True when `s` is one of the six type names. */
export function isInlineTypeName(s: string): s is InlineTypeName {
  return (INLINE_TYPE_NAMES as readonly string[]).includes(s);
}

/**
 * What Okta does with an answer, in five kinds:
 * - `applied`: Okta applies the commands (including a deliberate deny),
 * - `default`: Okta takes the type's default action (204, or 200 without commands),
 * - `error`: Okta acts on the `error` object,
 * - `failed`: the call failed (timeout, status other than 200/204, redirect, unreachable),
 * - `invalid`: the answer arrived but Okta cannot use it (not JSON, too big, bad command).
 */
export type InlineOutcome = "applied" | "default" | "error" | "failed" | "invalid";

/**
 * Where the stated consequence comes from: the type's own documentation, the general rule
 * "a failed hook gets the time-out behaviour" (CON) where the type's pages are silent, or
 * nowhere (Okta documents nothing).
 */
export type VerdictBasis = "documented" | "failure-rule" | "undocumented";

/** One finding about an answer; `at` is where, e.g. `commands[0].value[1].path`. */
export interface LintProblem {
  level: "error" | "warning";
  message: string;
  at?: string;
}

/** The linter's judgement of one answer, in Okta's terms. */
export interface InlineVerdict {
  type: InlineTypeName;
  /** Okta would use this answer as the app meant it (exit 0 for `send inline`). */
  applied: boolean;
  outcome: InlineOutcome;
  /** What Okta does, e.g. "Okta issues the original token: unknown command type …". */
  okta: string;
  basis: VerdictBasis;
  /** Okta calls the hook a second time after this answer (timeout, 5xx, connection error). */
  retried: boolean;
  problems: LintProblem[];
}

/** How lists name an inline request: `token hook ✓ applied`, `saml hook ✗ not applied`. */
export function inlineRowLabel(r: {
  firstEventType: string | null;
  inlineApplied?: boolean | null;
}): string {
  const type = inlineTypeOf(r.firstEventType) ?? "inline";
  const verdict =
    r.inlineApplied === null || r.inlineApplied === undefined
      ? "… waiting for the app"
      : r.inlineApplied
        ? "✓ applied"
        : "✗ not applied";
  return `${type} hook ${verdict}`;
}
