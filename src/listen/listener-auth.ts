import { existsSync } from "node:fs";
import { ConfigError } from "../errors.js";
import { openDb } from "../store/db.js";
import { Store } from "../store/store.js";
import { type ListenerSecrets, listenerSecrets } from "./secret.js";

// The one place that finds the auth a database's listener used, for everything that re-sends
// or prints a re-send: replay, send, show --curl, the TUI's r and c, reconcile --replay-missing,
// `okhook secret`. The values live in the secrets file beside the database (secret.ts).

/** The default listener hook URL when no database says otherwise. */
export const DEFAULT_LISTENER_URL = "http://127.0.0.1:8787/okta/events";

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
  for (const own of [s.listenerUrl, s.publicUrl])
    if (own && originOf(own) === origin) return "listener";
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

/** The database's listener as every re-sending command sees it: where it is, what auth it used. */
export interface ListenerView {
  /** Its hook URL (from the DB's meta, else the default). */
  url: string;
  secrets: ListenerSecrets;
  /** The auth a re-send to `url` carries (`--secret` > OKHOOK_SECRET > what the listener used). */
  plan(url: string, role?: TargetRole, fallbackHeader?: string): AuthPlan;
}

/**
 * Look up the database's listener. Pass `store` when it is already open; else the database is
 * opened read-only for the lookup (a missing file: no listener). `given` is what the user
 * passed this command (`--secret`, OKHOOK_SECRET, `--auth-header`).
 */
export function findListener(
  dbPath: string,
  given: Omit<GivenSecret, "fallbackHeader">,
  store?: Store | null,
): ListenerView {
  const secrets = store
    ? listenerSecrets(dbPath, store)
    : withOwnStore(dbPath, (s) => listenerSecrets(dbPath, s));
  // A replay of 10k deliveries asks once per delivery, mostly for the same few URLs.
  const plans = new Map<string, AuthPlan>();
  return {
    url: secrets.listenerUrl ?? DEFAULT_LISTENER_URL,
    secrets,
    plan: (url, role, fallbackHeader) => {
      const key = `${role ?? ""} ${fallbackHeader ?? ""} ${url}`;
      let plan = plans.get(key);
      if (!plan) {
        plan = authPlan(secrets, url, { ...given, fallbackHeader }, role);
        plans.set(key, plan);
      }
      return plan;
    },
  };
}

/** Stop before sending when the listener used a value that is not stored here (exit 3). */
export function requireKnown(plan: AuthPlan): AuthPlan {
  if (!plan.send && plan.why === "unknown") throw new ConfigError(plan.message ?? "unknown secret");
  return plan;
}

/** Where an auth value came from, for summaries (never the value). */
export function authSourceLabel(plan: AuthPlan, secrets: ListenerSecrets): string {
  if (!plan.send) return "none";
  if (plan.from !== "listener") return plan.from;
  if (plan.value !== (secrets.inbound.state === "value" ? secrets.inbound.value : undefined))
    return "the listener's --forward-auth";
  return secrets.source === "generated"
    ? "the listener's generated secret"
    : `the listener's ${secrets.source}`;
}

/**
 * How a printed re-send command (show --curl, the TUI's c) gets its auth value when it runs,
 * never the value itself: `okhook secret` (`forward`: its --forward value), $OKHOOK_SECRET
 * alone, none (`note` says why, for the user), or "as received" when no listener said.
 */
export type CurlAuthPlan =
  | { add: "lookup"; header: string; forward: boolean }
  | { add: "env"; header: string; note?: "unknown" }
  | { add: "none"; header: string; note?: "other-target" }
  | { add: "as-received" };

/** The auth of a printed re-send to `url` (`hint`: the URL is the listener's own). */
export function curlAuthPlan(
  view: ListenerView,
  url: string,
  o: { hint?: TargetRole; fallbackHeader?: string },
): CurlAuthPlan {
  const s = view.secrets;
  const role = roleOf(s, url, o.hint);
  const plan = view.plan(url, role, o.fallbackHeader);
  const header = plan.header;
  const known = role === "app" ? s.forward : role === "listener" ? s.inbound : undefined;
  if (plan.send && known?.state === "value")
    return { add: "lookup", header, forward: role === "app" && s.forwardMode === "custom" };
  if (plan.send) return { add: "env", header };
  if (plan.why === "unknown") return { add: "env", header, note: "unknown" };
  if (plan.why === "no-listener") return { add: "as-received" };
  return plan.why === "other-target"
    ? { add: "none", header, note: "other-target" }
    : { add: "none", header };
}

function withOwnStore<T>(dbPath: string, fn: (s: Store | null) => T): T {
  if (!existsSync(dbPath)) return fn(null);
  const store = new Store(openDb(dbPath, { readonly: true }));
  try {
    return fn(store);
  } finally {
    store.close();
  }
}
