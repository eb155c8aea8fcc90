import { existsSync } from "node:fs";
import { resolveDbPath } from "../config.js";
import type { CliContext } from "./context.js";

/** Where the local listener was last seen, and the secret it expects, for commands that send to it. */
export interface ListenerTarget {
  url: string;
  secret: string | undefined;
  /** Where the secret came from, for messages (never the value). */
  secretSource: "--secret" | "OKHOOK_SECRET" | "generated" | "none";
}

/** The default listener hook URL when no database says otherwise. */
export const DEFAULT_LISTENER_URL = "http://127.0.0.1:8787/okta/events";

/**
 * Resolve the running listener's hook URL (from the DB's meta, else the default) and the secret
 * to send: --secret > OKHOOK_SECRET > the generated one kept beside the DB.
 */
export async function listenerTarget(
  o: { db?: string; secret?: string },
  ctx: CliContext,
): Promise<ListenerTarget> {
  const dbPath = resolveDbPath(o.db, ctx.env);
  let url = DEFAULT_LISTENER_URL;
  let secretKey: string | undefined;
  if (existsSync(dbPath)) {
    const [{ openDb }, { Store }] = await Promise.all([
      import("../store/db.js"),
      import("../store/store.js"),
    ]);
    const store = new Store(openDb(dbPath, { readonly: true }));
    try {
      url = store.getMeta("listener.url") ?? url;
      secretKey = store.getMeta("listener.secretKey");
    } finally {
      store.close();
    }
  }
  if (o.secret) return { url, secret: o.secret, secretSource: "--secret" };
  if (ctx.env.secret) return { url, secret: ctx.env.secret, secretSource: "OKHOOK_SECRET" };
  if (secretKey) {
    const { storedSecret } = await import("../listen/secret.js");
    const s = storedSecret(dbPath, secretKey);
    if (s) return { url, secret: s, secretSource: "generated" };
  }
  return { url, secret: undefined, secretSource: "none" };
}
