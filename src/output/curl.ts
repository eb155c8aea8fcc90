import { isAuthHeader } from "../http-headers.js";
import type { CurlAuthPlan } from "../listen/listener-auth.js";
import type { HeaderPairs } from "../store/types.js";

/** Headers a re-send should not copy: hop-by-hop, computed by curl, or tunnel/proxy additions. */
const SKIP =
  /^(host|content-length|connection|keep-alive|transfer-encoding|te|trailer|upgrade|expect|accept-encoding|cf-.*|cdn-loop|x-forwarded-.*|x-real-ip|x-okhook-.*)$/i;

/** Quote for POSIX shells: single quotes, with embedded quotes as '\'' . */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The auth header of a curl command: a shell expression that yields the value, never the value. */
export interface CurlAuth {
  header: string;
  /** e.g. `$(okhook secret --db '…')`, expanded inside double quotes when the command runs. */
  expr: string;
}

/** `${OKHOOK_SECRET:?…}`: the value from the environment, or a clear stop when it is unset. */
export const ENV_SECRET_EXPR = `\${OKHOOK_SECRET:?set OKHOOK_SECRET to the hook secret}`;

/**
 * The auth header of a printed re-send (show --curl and the TUI's c alike), from the listener
 * lookup's plan: `$OKHOOK_SECRET` first, else `okhook secret` on the database (`db`: passed as
 * --db; undefined: the default database). `lookup: false` (a command that must fit a narrow
 * screen with a long --db path) asks for `$OKHOOK_SECRET` instead. `undefined`: as received.
 */
export function curlAuth(
  plan: CurlAuthPlan,
  o: { db?: string; lookup?: boolean } = {},
): CurlAuth | null | undefined {
  if (plan.add === "as-received") return undefined;
  if (plan.add === "none") return null;
  const header = plan.header;
  if (plan.add === "env" || o.lookup === false) return { header, expr: ENV_SECRET_EXPR };
  const lookup = `$(okhook secret${plan.forward ? " --forward" : ""}${o.db ? ` --db ${shellQuote(o.db)}` : ""})`;
  // OKHOOK_SECRET stands in for the listener's secret, never for a --forward-auth value
  return { header, expr: plan.forward ? lookup : `\${OKHOOK_SECRET:-${lookup}}` };
}

/** Text safe inside double quotes: `\\`, `"`, `$` and backquote escaped. */
function doubleQuoted(s: string): string {
  return s.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

/** What a re-send command is built from. */
export interface CurlOptions {
  url: string;
  method: string;
  headers: HeaderPairs;
  body: Buffer | null;
  authHeader: string;
  /**
   * The auth header to add, as a shell expression filled in when the command runs (default:
   * `$OKHOOK_SECRET` when the delivery carried one; `null` sends none): never the secret itself.
   */
  auth?: CurlAuth | null;
  /**
   * Take the body from `okhook show <id> --body` on curl's stdin instead of inline: the TUI's
   * command stays a few short lines that can be copied, whatever the body (pretty-printed over
   * many lines, or a megabyte on one). `db` is passed as --db when it is not the default.
   */
  bodyFrom?: { show: string; db?: string };
}

/**
 * The command's shell words, grouped so that a line break (` \` + newline) may go between any
 * two groups.
 */
export function curlParts(o: CurlOptions): string[] {
  const auth = o.authHeader.toLowerCase();
  // the header the command adds is not copied from the stored ones either
  const added = o.auth?.header.toLowerCase();
  const hasBody = !!o.body && o.body.length > 0;
  const parts: string[] = [];
  if (hasBody && o.bodyFrom) {
    parts.push(`okhook show ${o.bodyFrom.show}`);
    if (o.bodyFrom.db) parts.push(`--db ${shellQuote(o.bodyFrom.db)}`);
    parts.push("--body |");
  }
  parts.push(`curl -sS -X ${o.method} ${shellQuote(o.url)}`);
  let hadAuth = false;
  for (const [name, value] of o.headers) {
    const lower = name.toLowerCase();
    if (isAuthHeader(lower, auth) || lower === added) {
      hadAuth = true;
      continue;
    }
    if (SKIP.test(lower)) continue;
    parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  const add =
    o.auth === undefined ? (hadAuth ? { header: auth, expr: ENV_SECRET_EXPR } : null) : o.auth;
  if (add) parts.push(`-H "${doubleQuoted(add.header.toLowerCase())}: ${add.expr}"`);
  if (hasBody)
    parts.push(
      o.bodyFrom ? "--data-binary @-" : `--data-binary ${shellQuote(o.body!.toString("utf8"))}`,
    );
  return parts;
}

/** A curl command that re-sends a stored delivery, one group per line. */
export function curlCommand(o: CurlOptions): string {
  return `${curlParts(o).join(" \\\n  ")}\n`;
}
