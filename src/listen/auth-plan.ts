import type { ListenerSecrets } from "./secret.js";

/** Where a re-send goes, as far as its auth header is concerned. */
export type TargetRole = "listener" | "app" | "other";

/** What the user gave this command: `--secret`, `OKHOOK_SECRET`, `--auth-header`. */
export interface GivenSecret {
  flag?: string;
  env?: string;
  header?: string;
  /** Header when neither the user nor a listener named one (e.g. the one a delivery came with). */
  fallbackHeader?: string;
}

/** Why a re-send carries no auth header. */
export type NoAuthReason =
  /** no listener has recorded its auth on this database: nothing to re-add */
  | "no-listener"
  /** the listener accepts any request (no secret) */
  | "no-secret"
  /** the listener forwards without it (`--forward-auth none`) */
  | "forward-none"
  /** not the listener nor one of its forward targets: its values are not sent there */
  | "other-target"
  /** the listener used a value that is not stored on this machine: stop before sending */
  | "unknown";

/** The auth header a re-send carries, and where its value came from (never printed). */
export type AuthPlan =
  | { send: true; header: string; value: string; from: "--secret" | "OKHOOK_SECRET" | "listener" }
  | { send: false; header: string; why: NoAuthReason; message?: string };

/**
 * Whether `url` is the listener itself, one of the apps it forwards to (same origin; the
 * loopback names count as one), or something else. `hint` wins: a target taken from the
 * listener's own forward attempts is its app even if the routes changed since.
 */
export function roleOf(s: ListenerSecrets, url: string, hint?: TargetRole): TargetRole {
  if (hint) return hint;
  const origin = originOf(url);
  if (origin === undefined) return "other";
  if (s.listenerUrl && originOf(s.listenerUrl) === origin) return "listener";
  return s.targets.some((t) => originOf(t) === origin) ? "app" : "other";
}

/**
 * The auth a re-send to `url` carries, as forwarding would: `--secret` always wins; the
 * listener gets its own secret, the app what forwarding sends it (`OKHOOK_SECRET` stands in
 * for the secret, never for a `--forward-auth` value); other URLs get only what was given.
 */
export function authPlan(
  s: ListenerSecrets,
  url: string,
  given: GivenSecret,
  hint?: TargetRole,
): AuthPlan {
  const header = (
    given.header ??
    (s.recorded ? s.header : given.fallbackHeader) ??
    s.header
  ).toLowerCase();
  if (given.flag !== undefined) return { send: true, header, value: given.flag, from: "--secret" };
  const env = given.env;
  const role = roleOf(s, url, hint);
  const none = (why: NoAuthReason): AuthPlan => ({ send: false, header, why });
  const fromEnv = (): AuthPlan => ({ send: true, header, value: env!, from: "OKHOOK_SECRET" });
  if (!s.recorded) return env !== undefined ? fromEnv() : none("no-listener");
  if (role === "other") {
    if (env !== undefined) return fromEnv();
    const stored = s.inbound.state !== "none" || s.forward.state !== "none";
    return none(stored ? "other-target" : "no-secret");
  }
  if (role === "app" && s.forwardMode === "none") return none("forward-none");
  if (env !== undefined && (role === "listener" || s.forwardMode === "secret")) return fromEnv();
  const known = role === "listener" ? s.inbound : s.forward;
  if (known.state === "value") return { send: true, header, value: known.value, from: "listener" };
  if (known.state === "none") return none("no-secret");
  return { send: false, header, why: "unknown", message: unknownSecretMessage(s, role) };
}

/** The one-line error when the value the listener used is not stored here. */
export function unknownSecretMessage(s: ListenerSecrets, role: TargetRole = "listener"): string {
  const what = role === "app" ? "forwarded with" : "expects";
  return `the listener on ${s.dbPath} ${what} an ${s.header} value that is not stored here (${s.file}): pass --secret <value> or set OKHOOK_SECRET, or start okhook listen on this database again`;
}

/** The note when a URL is not where the listener sends its values. */
export function otherTargetNote(s: ListenerSecrets, url: string): string {
  return `${url} is not the listener nor one of its forward targets: sending without ${s.header} (pass --secret <value> or set OKHOOK_SECRET to add it)`;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    const host = LOOPBACK.has(u.hostname) ? "loopback" : u.hostname;
    const port = u.port || (u.protocol === "https:" ? "443" : "80");
    return `${u.protocol}//${host}:${port}`;
  } catch {
    return undefined;
  }
}
