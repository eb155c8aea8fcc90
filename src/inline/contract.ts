// Per-type facts of Okta's inline hook contract: which statuses Okta takes, whether it
// retries, and what it does in each outcome. Source tags refer to
// /work/research/inline-hooks-verified.md §0; section numbers to that note.
import type { InlineTypeName } from "./types.js";

/** The response must be smaller than this (SIZE: "256 KB", read as 256 × 1024 bytes). */
export const INLINE_MAX_RESPONSE_BYTES = 256 * 1024;

/** Keys of a response object Okta reads (CON "JSON response payload objects"). */
export const RESPONSE_KEYS = ["commands", "error", "debugContext"] as const;

/** Fallback text Okta shows when an `error` has no `errorSummary` (REF-TOK, REF-SAML, REF-TEL). */
export const DEFAULT_ERROR_SUMMARY = "The callback service returned an error";

/** What the user sees when a registration hook fails (CON "Inline hook time-out behavior"). */
export const REGISTRATION_FAILED_SSR =
  "There was an error creating your account. Please try registering again";
// REF-REG words the progressive-profile message differently ("Your profile couldn't be
// updated at this time. Please try again later."); CON is the current page (§7 #22).
/** What the user sees when a progressive-profile hook fails (CON). */
export const REGISTRATION_FAILED_PP =
  "There was an error updating your profile. Please try again later.";

/** Everything the linter needs to know about one type beyond its commands. */
export interface TypeContract {
  /** A 204 means "take the default action" (§2.6; OAS `x-webhooks.*.responses.204`). */
  allows204: boolean;
  /** Okta calls once more after a timeout, 5xx or connection error (CON "Time out and retry"). */
  retriedOnce: boolean;
  /** Any status but 200 skips the hook, even another 2xx (REF-TOK, REF-TEL Troubleshoot). */
  only200: boolean;
  /** What Okta does when the call fails (timeout, non-200, redirect): CON time-out table. */
  failed: string;
  /** What Okta does with 204 or a 200 without commands. */
  defaultAction: string;
  /** What Okta does with an answer it cannot use, and where that is stated. */
  invalid: { okta: string; basis: "documented" | "failure-rule" };
}

/** The contract of each type (§2.5, §2.6, §2.7, §3, §8 verdict table). */
export const CONTRACTS: Record<InlineTypeName, TypeContract> = {
  token: {
    // G-TOK answers 204 for "no change"; REF-TOK: non-200 ⇒ skipped, original token.
    allows204: true,
    retriedOnce: false, // CON note; OAS create-token-hook "isn't retried"
    only200: true,
    failed: "Okta issues the original token (hook skipped, not retried)",
    defaultAction: "Okta issues the original token",
    // REF-TOK Troubleshoot: an invalid command or operation skips the whole result.
    invalid: { okta: "Okta drops every change and issues the original token", basis: "documented" },
  },
  registration: {
    allows204: true, // OAS create-registration-hook responses.204: allow without update
    retriedOnce: true,
    only200: false,
    failed: `Okta denies the registration; the user sees "${REGISTRATION_FAILED_SSR}"`,
    defaultAction: "Okta allows the registration without changes",
    // §2.7: consequence of unknown/foreign commands undocumented for registration.
    invalid: { okta: "the hook fails, so Okta denies the registration", basis: "failure-rule" },
  },
  "password-import": {
    allows204: true, // REF-PWD, G-PWD, OAS: 204 = default UNVERIFIED
    retriedOnce: true,
    only200: false,
    failed:
      "sign-in fails and the password is not imported; the hook runs again at the next sign-in",
    defaultAction:
      "Okta takes the default, UNVERIFIED: sign-in fails and the password is not imported",
    invalid: {
      okta: "the hook fails, so sign-in fails and the password is not imported",
      basis: "failure-rule",
    },
  },
  "user-import": {
    allows204: true, // OAS CreateUserImportInlineHook responses.204; REF-IMP prefers {}
    retriedOnce: true,
    only200: false,
    failed: "the import continues with its default action, as if there were no hook",
    defaultAction: "the import continues with its default action",
    invalid: {
      okta: "the hook fails, so the import continues with its default action",
      basis: "failure-rule",
    },
  },
  saml: {
    allows204: true, // OAS create-saml-hook responses.204; G-SAML
    retriedOnce: true,
    only200: false,
    failed: "Okta sends the original assertion",
    defaultAction: "Okta sends the original assertion",
    // REF-SAML is silent on bad ops/paths (§3.5): the failure rule applies.
    invalid: {
      okta: "the hook fails, so Okta sends the original assertion",
      basis: "failure-rule",
    },
  },
  telephony: {
    allows204: false, // REF-TEL/OAS Troubleshoot: any status besides 200 ⇒ skipped
    retriedOnce: false,
    only200: true,
    failed:
      "Okta skips the hook and sends the OTP through its own providers (heavily rate-limited, not retried)",
    defaultAction: "Okta skips the hook and sends the OTP through its own providers",
    // OAS Troubleshoot "malformed/unmappable ⇒ skipped"; G-TEL "Failover", PR#3019.
    invalid: {
      okta: "Okta skips the hook and sends the OTP through its own providers (the user may get two codes)",
      basis: "documented",
    },
  },
};

/** The label a failure-rule verdict carries, so nobody mistakes it for documented behaviour. */
export const FAILURE_RULE_NOTE =
  "Okta doesn't document this case; this is its general rule for a failed hook";
