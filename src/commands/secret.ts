import type { Command } from "commander";
import { ConfigError } from "../errors.js";
import type { ListenerSecrets } from "../listen/secret.js";
import type { CliContext } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";
import { DB_FLAG_HELP } from "./options.js";

interface SecretFlags {
  forward?: boolean;
  json?: boolean;
  db?: string;
}

/** Define `okhook secret`. */
export function registerSecret(program: Command, ctx: CliContext): void {
  program
    .command("secret")
    .description(
      "print the auth header value the database's listener expects (Okta's Authentication secret)",
    )
    .option(
      "--forward",
      "the value forwarding sends to your app instead (differs with listen --forward-auth)",
      false,
    )
    .option("--json", "header name, value and where it came from, as one JSON object", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Only the value goes to stdout, so $(okhook secret) works. It is the secret listen uses
(generated when tunneled, or given with --secret / OKHOOK_SECRET), kept in <db>.secrets.json
(0600, beside the database), never in the database or the logs.

Exit codes: 0 printed, 3 no secret known for this database (the message says how to get one).

Examples:
  $ okhook secret                 paste into Okta: Event Hook → Authentication secret
  $ okhook secret --json
  $ curl -H "authorization: $(okhook secret)" http://127.0.0.1:8787/okta/events …`,
    )
    .action(async (flags: SecretFlags) => {
      process.exitCode = await runSecret(flags, ctx);
    });
}

async function runSecret(flags: SecretFlags, ctx: CliContext): Promise<number> {
  const [{ listenerSecrets }, { store, path }] = await Promise.all([
    import("../listen/secret.js"),
    openStoreForRead(flags.db, ctx),
  ]);
  const secrets = store
    ? await withStore(store, path, (s) => listenerSecrets(path, s))
    : listenerSecrets(path, null);
  const { value, source } = pick(secrets, !!flags.forward);
  if (flags.json) {
    const doc = { header: secrets.header, value, source, db: path };
    ctx.stdout.write(`${JSON.stringify(doc)}\n`);
    return 0;
  }
  ctx.stdout.write(`${value}\n`);
  if (ctx.stdout.isTTY) {
    ctx.stderr.write(
      flags.forward
        ? `okhook: what forwarding sends your app in the ${secrets.header} header\n`
        : `okhook: in Okta's event hook, Authentication field: ${secrets.header}, Authentication secret: the line above\n`,
    );
  }
  return 0;
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
      `the listener on ${s.dbPath} used a ${s.header} value that is not stored here (${s.file}): start okhook listen on this database again (with the --secret it had, if one was given)`,
    );
  }
  throw new ConfigError(
    forward
      ? `the listener on ${s.dbPath} forwards without ${s.header} (--forward-auth none): no value to print`
      : `the listener on ${s.dbPath} has no secret and accepts any request: start okhook listen with --secret <value> or OKHOOK_SECRET (tunneled, it generates one)`,
  );
}
