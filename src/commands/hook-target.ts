import { existsSync } from "node:fs";
import { resolveDbPath } from "../config.js";
import { ConfigError } from "../errors.js";
import { type AuthPlan, authPlan, type TargetRole } from "../listen/auth-plan.js";
import { type ListenerSecrets, listenerSecrets } from "../listen/secret.js";
import { openDb } from "../store/db.js";
import { Store } from "../store/store.js";
import type { CliContext } from "./context.js";

/** The default listener hook URL when no database says otherwise. */
export const DEFAULT_LISTENER_URL = "http://127.0.0.1:8787/okta/events";

/** The database's listener as every re-sending command sees it: where it is, what auth it used. */
export interface ListenerView {
  /** Its hook URL (from the DB's meta, else the default). */
  url: string;
  secrets: ListenerSecrets;
  /** The auth a re-send to `url` carries (`--secret` > OKHOOK_SECRET > what the listener used). */
  plan(url: string, role?: TargetRole, fallbackHeader?: string): AuthPlan;
}

/**
 * Look up the database's listener (one lookup for replay, send, show --curl, the TUI,
 * reconcile --replay-missing and `okhook secret`). Pass `store` when it is already open.
 */
export async function listenerView(
  o: { db?: string; secret?: string; authHeader?: string },
  ctx: CliContext,
  store?: Store | null,
): Promise<ListenerView> {
  const dbPath = resolveDbPath(o.db, ctx.env);
  const secrets = store
    ? listenerSecrets(dbPath, store)
    : withOwnStore(dbPath, (s) => listenerSecrets(dbPath, s));
  const given = { flag: o.secret, env: ctx.env.secret, header: o.authHeader };
  return {
    url: secrets.listenerUrl ?? DEFAULT_LISTENER_URL,
    secrets,
    plan: (url, role, fallbackHeader) => authPlan(secrets, url, { ...given, fallbackHeader }, role),
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

function withOwnStore<T>(dbPath: string, fn: (s: Store | null) => T): T {
  if (!existsSync(dbPath)) return fn(null);
  const store = new Store(openDb(dbPath, { readonly: true }));
  try {
    return fn(store);
  } finally {
    store.close();
  }
}
