import { UsageError } from "../errors.js";
import { globMatcher, isGlob } from "../event-type-glob.js";
import { ELIGIBLE_EVENT_TYPES } from "./eligible-event-types.js";

export { ELIGIBLE_EVENT_TYPES };

/**
 * Event types Okta only writes to the System Log and never delivers to a hook
 * (okta-reference.md §7, "Not eligible").
 */
export const NOT_ELIGIBLE_EVENT_TYPES: readonly string[] = Object.freeze([
  "security.threat.detected",
  "user.session.expire",
  "user.session.access_admin_app",
  "user.authentication.auth_via_radius",
  "user.authentication.auth_via_iwa",
  "user.authentication.auth_via_AD_agent",
  "user.authentication.auth_via_LDAP_agent",
  "user.authentication.auth_via_inbound_SAML",
  "user.authentication.auth_via_richclient",
  "user.authentication.verify",
  "user.authentication.slo",
  "user.lifecycle.delete.completed",
  "user.lifecycle.password_mass_expiry",
  "user.account.expire_password",
  "user.account.update_primary_email",
  "user.account.update_secondary_email",
  "user.account.update_user_type",
  "user.account.lock.limit",
  "user.account.unlock_token",
  "policy.lifecycle.create",
  "policy.lifecycle.delete",
  "policy.rule.invalidate",
  "application.user_membership.change_username",
  "application.user_membership.provision",
  "application.user_membership.deprovision",
  "application.user_membership.revoke",
  "application.user_membership.restore",
  "user.mfa.attempt_bypass",
  "system.import.user.create",
]);

/** Families of event types that are never hook-eligible, as globs. */
export const NOT_ELIGIBLE_PATTERNS: readonly string[] = Object.freeze([
  "user.session.impersonation.*",
  "group.user_membership.rule.*",
  "user.mfa.okta_verify*",
  "event_hook.*",
]);

const ELIGIBLE_SET = new Set(ELIGIBLE_EVENT_TYPES);
const NOT_ELIGIBLE_MATCHERS = NOT_ELIGIBLE_PATTERNS.map(globMatcher);
/** `user.lifecycle.*`, `user.*`, … for every dotted prefix of an eligible type: suggestions for globs. */
const FAMILY_GLOBS = [
  ...new Set(
    ELIGIBLE_EVENT_TYPES.flatMap((type) => {
      const parts = type.split(".");
      return parts.slice(1).map((_, i) => `${parts.slice(0, i + 1).join(".")}.*`);
    }),
  ),
];

/** True when Okta can deliver this event type to an event hook. */
export function isEligible(type: string): boolean {
  return ELIGIBLE_SET.has(type);
}

/** True when the type (or glob) names something Okta logs but never sends to a hook. */
export function isKnownNotEligible(typeOrPattern: string): boolean {
  if (NOT_ELIGIBLE_EVENT_TYPES.includes(typeOrPattern)) return true;
  if (NOT_ELIGIBLE_MATCHERS.some((m) => m(typeOrPattern))) return true;
  if (!isGlob(typeOrPattern)) return false;
  const matches = globMatcher(typeOrPattern);
  return NOT_ELIGIBLE_EVENT_TYPES.some((t) => matches(t));
}

/**
 * Expand comma lists and globs into eligible event types (deduplicated, in pattern order).
 * Throws UsageError naming the pattern when it matches nothing or is not hook-eligible.
 */
export function expandEventTypes(
  patterns: readonly string[],
  options: { flag?: string } = {},
): string[] {
  const flag = options.flag ?? "--events";
  const out = new Set<string>();
  for (const pattern of splitPatterns(patterns)) {
    const matches = globMatcher(pattern);
    const found = ELIGIBLE_EVENT_TYPES.filter((t) => matches(t));
    if (found.length === 0) throw noMatchError(pattern, flag);
    for (const t of found) out.add(t);
  }
  if (out.size === 0) {
    throw new UsageError(`${flag}: no event types given (try ${flag} 'user.lifecycle.*')`);
  }
  return [...out];
}

function splitPatterns(patterns: readonly string[]): string[] {
  return patterns
    .flatMap((p) => p.split(","))
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

function noMatchError(pattern: string, flag: string): UsageError {
  const candidates = isGlob(pattern) ? FAMILY_GLOBS : ELIGIBLE_EVENT_TYPES;
  const hint = suggest(pattern, candidates);
  const didYouMean = hint ? `did you mean ${hint}?` : "see okta-event-types in the Okta docs";
  if (isKnownNotEligible(pattern)) {
    return new UsageError(
      `${flag} "${pattern}": not hook-eligible, Okta only writes it to the System Log (${didYouMean})`,
    );
  }
  const what = isGlob(pattern) ? "matches no hook-eligible event type" : "unknown event type";
  return new UsageError(`${flag} "${pattern}": ${what} (${didYouMean})`);
}

/**
 * The candidate closest to `input` (Levenshtein, case-insensitive), or one containing it,
 * or undefined when nothing is close enough to be a plausible typo.
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  const limit = Math.max(2, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = levenshtein(needle, candidate.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  const containing = candidates.filter((c) => c.toLowerCase().includes(needle));
  return needle.length >= 3 ? containing.sort((a, b) => a.length - b.length)[0] : undefined;
}

/** Edit distance between two strings; stops early once every cell exceeds `cap`. */
function levenshtein(a: string, b: string, cap = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > cap) return Number.POSITIVE_INFINITY;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      row.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > cap) return Number.POSITIVE_INFINITY;
    prev = row;
  }
  return prev[b.length]!;
}
