/** How one check came out: ✓ fine, ✗ a broken link, ! worth knowing, – not run (and why). */
export type CheckStatus = "ok" | "fail" | "warn" | "skip";

/** One line of `okhook doctor`: what was checked, what was found, and the fix for a problem. */
export interface Check {
  /** Stable identifier for scripts (`listener`, `hook.status`, `target`…). */
  id: string;
  /** What was checked, in words (`hook "okhook dev-box" status`). */
  name: string;
  status: CheckStatus;
  /** What was found (may hold untrusted text: renderers sanitise it). */
  detail: string;
  /** For ✗ and !: what to do about it. */
  fix?: string;
  /**
   * Set when the check could not be made because of the user's setup or a remote error
   * (3 configuration, 4 network, 5 Okta answered an error): doctor then exits with it.
   */
  cannotCheck?: 3 | 4 | 5;
}

/** The verdict after every check. */
export type Verdict = "healthy" | "problems" | "incomplete";

/** Everything doctor found, in the order it is printed. */
export interface DoctorReport {
  checks: Check[];
  verdict: Verdict;
  /** 0 healthy, 1 a problem found, 3/4/5 a check could not be made. */
  exitCode: 0 | 1 | 3 | 4 | 5;
  db: string;
  org?: string;
}

/** Shorthands that keep the check functions readable. */
export const ok = (id: string, name: string, detail: string): Check => ({
  id,
  name,
  status: "ok",
  detail,
});
/** A broken link, with its fix. */
export const fail = (id: string, name: string, detail: string, fix: string): Check => ({
  id,
  name,
  status: "fail",
  detail,
  fix,
});
/** Not broken, but worth acting on. */
export const warn = (id: string, name: string, detail: string, fix?: string): Check => ({
  id,
  name,
  status: "warn",
  detail,
  ...(fix ? { fix } : {}),
});
/** Not run, and why. */
export const skip = (id: string, name: string, why: string): Check => ({
  id,
  name,
  status: "skip",
  detail: why,
});

/**
 * The report's verdict and exit code: a check that could not be made decides the code (the
 * first one, in print order), else any ✗ is 1; warnings alone are healthy.
 */
export function conclude(checks: Check[], db: string, org?: string): DoctorReport {
  const blocked = checks.find((c) => c.cannotCheck !== undefined)?.cannotCheck;
  const broken = checks.some((c) => c.status === "fail");
  const exitCode = blocked ?? (broken ? 1 : 0);
  const verdict = blocked ? "incomplete" : broken ? "problems" : "healthy";
  return { checks, verdict, exitCode, db, ...(org ? { org } : {}) };
}
