import type { HeaderPairs } from "../store/types.js";

/** Headers a re-send should not copy: hop-by-hop, computed by curl, or tunnel/proxy additions. */
const SKIP =
  /^(host|content-length|connection|keep-alive|transfer-encoding|te|trailer|upgrade|expect|accept-encoding|cf-.*|cdn-loop|x-forwarded-.*|x-real-ip|x-okhook-.*)$/i;

/** Quote for POSIX shells: single quotes, with embedded quotes as '\'' . */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A curl command that re-sends a stored delivery. The auth header comes from
 * `$OKHOOK_SECRET` at run time: the secret is never printed.
 */
export function curlCommand(o: {
  url: string;
  method: string;
  headers: HeaderPairs;
  body: Buffer | null;
  authHeader: string;
}): string {
  const auth = o.authHeader.toLowerCase();
  const lines = [`curl -sS -X ${o.method} ${shellQuote(o.url)}`];
  let hadAuth = false;
  for (const [name, value] of o.headers) {
    const lower = name.toLowerCase();
    if (lower === auth || lower === "authorization") {
      hadAuth = true;
      continue;
    }
    if (SKIP.test(lower)) continue;
    lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (hadAuth) lines.push(`-H "${auth}: \${OKHOOK_SECRET:?set OKHOOK_SECRET to the hook secret}"`);
  if (o.body && o.body.length > 0)
    lines.push(`--data-binary ${shellQuote(o.body.toString("utf8"))}`);
  return `${lines.join(" \\\n  ")}\n`;
}
