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

/** Text safe inside double quotes: `\\`, `"`, `$` and backquote escaped. */
function doubleQuoted(s: string): string {
  return s.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

/**
 * A curl command that re-sends a stored delivery. The auth header is filled in when the
 * command runs (`auth.expr`; by default from `$OKHOOK_SECRET` when the delivery carried one;
 * `null` sends none): the secret is never printed.
 */
export function curlCommand(o: {
  url: string;
  method: string;
  headers: HeaderPairs;
  body: Buffer | null;
  authHeader: string;
  auth?: CurlAuth | null;
}): string {
  const auth = o.authHeader.toLowerCase();
  const authNames = new Set([auth, "authorization", o.auth?.header.toLowerCase()]);
  const lines = [`curl -sS -X ${o.method} ${shellQuote(o.url)}`];
  let hadAuth = false;
  for (const [name, value] of o.headers) {
    const lower = name.toLowerCase();
    if (authNames.has(lower)) {
      hadAuth = true;
      continue;
    }
    if (SKIP.test(lower)) continue;
    lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  const add =
    o.auth === undefined ? (hadAuth ? { header: auth, expr: ENV_SECRET_EXPR } : null) : o.auth;
  if (add) lines.push(`-H "${doubleQuoted(add.header.toLowerCase())}: ${add.expr}"`);
  if (o.body && o.body.length > 0)
    lines.push(`--data-binary ${shellQuote(o.body.toString("utf8"))}`);
  return `${lines.join(" \\\n  ")}\n`;
}
