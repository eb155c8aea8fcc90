import type { HeaderPairs } from "../store/types.js";

/** Headers a re-send should not copy: hop-by-hop, computed by curl, or tunnel/proxy additions. */
const SKIP =
  /^(host|content-length|connection|keep-alive|transfer-encoding|te|trailer|upgrade|expect|accept-encoding|cf-.*|cdn-loop|x-forwarded-.*|x-real-ip|x-okhook-.*)$/i;

/** Quote for POSIX shells: single quotes, with embedded quotes as '\'' . */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What a re-send command is built from. */
export interface CurlOptions {
  url: string;
  method: string;
  headers: HeaderPairs;
  body: Buffer | null;
  authHeader: string;
  /**
   * Take the body from `okhook show <id> --body` on curl's stdin instead of inline: the TUI's
   * command stays a few short lines that can be copied, whatever the body (pretty-printed over
   * many lines, or a megabyte on one). `db` is passed as --db when it is not the default.
   */
  bodyFrom?: { show: string; db?: string };
}

/**
 * The command's shell words, grouped so that a line break (` \` + newline) may go between any
 * two groups. The auth header comes from `$OKHOOK_SECRET` at run time: the secret is never printed.
 */
export function curlParts(o: CurlOptions): string[] {
  const auth = o.authHeader.toLowerCase();
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
    if (lower === auth || lower === "authorization") {
      hadAuth = true;
      continue;
    }
    if (SKIP.test(lower)) continue;
    parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (hadAuth) parts.push(`-H "${auth}: \${OKHOOK_SECRET:?set OKHOOK_SECRET to the hook secret}"`);
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
