import { ConfigError } from "../errors.js";
import { findListener } from "../listen/listener-auth.js";
import type { ListenerSecrets } from "../listen/secret.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";

/** `okhook secret` flags as commander parses them. */
export interface SecretFlags {
  forward?: boolean;
  json?: boolean;
  db?: string;
}

/** `okhook secret`: print the value the database's listener expects (or forwards). */
export async function secretCommand(flags: SecretFlags, ctx: CliContext): Promise<Outcome> {
  const { store, path } = await openStoreForRead(flags.db, ctx);
  const secrets = store
    ? await withStore(store, path, (s) => findListener(path, {}, s).secrets)
    : findListener(path, {}).secrets;
  const { value, source } = pick(secrets, !!flags.forward);
  if (flags.json) {
    const doc = { header: secrets.header, value, source, db: path };
    ctx.stdout.write(`${JSON.stringify(doc)}\n`);
    return OUTCOME.ok;
  }
  ctx.stdout.write(`${value}\n`);
  if (ctx.stdout.isTTY) {
    ctx.stderr.write(
      flags.forward
        ? `okhook: what forwarding sends your app in the ${secrets.header} header\n`
        : `okhook: in Okta's event hook, Authentication field: ${secrets.header}, Authentication secret: the line above\n`,
    );
  }
  return OUTCOME.ok;
}

/** The value asked for, or a one-line error saying why there is none and how to get one. */
function pick(s: ListenerSecrets, forward: boolean): { value: string; source: string } {
  if (!s.recorded) {
    throw new ConfigError(
      `no secret recorded for ${s.dbPath}: start okhook listen on it (it generates one when tunneled, or pass --secret <value>)`,
    );
  }
  const known = forward ? s.forward : s.inbound;
  if (known.state === "value") {
    const source = forward && s.forwardMode === "custom" ? "--forward-auth" : s.source;
    return { value: known.value, source };
  }
  if (known.state === "unknown") {
    throw new ConfigError(
      `the listener on ${s.dbPath} used an ${s.header} value that is not stored here (${s.file}): start okhook listen on this database again (with the --secret it had, if one was given)`,
    );
  }
  throw new ConfigError(
    forward
      ? `the listener on ${s.dbPath} forwards without ${s.header} (--forward-auth none): no value to print`
      : `the listener on ${s.dbPath} has no secret and accepts any request: start okhook listen with --secret <value> or OKHOOK_SECRET (tunneled, it generates one)`,
  );
}
