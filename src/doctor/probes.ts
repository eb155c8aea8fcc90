import type { VerifyResult } from "../fixtures/verify.js";
import { duration } from "../format-time.js";
import { OKTA_HOOK_TIMEOUT_MS } from "../okta/hook-types.js";
import type { TargetProbe } from "./facts.js";
import { type Check, fail, ok, skip, warn } from "./types.js";

/** An answer this slow still passes, but one bad moment of the tunnel would fail it. */
const CLOSE_TO_TIMEOUT_MS = 2000;

/** The listener answers Okta's verification GET on its local hook URL. */
export function localChallengeCheck(url: string | undefined, r: VerifyResult | undefined): Check {
  const id = "challenge.local";
  const name = "challenge on the local URL";
  if (!url || !r) return skip(id, name, "no listener running");
  if (r.verified) return ok(id, name, `${url} echoed the challenge in ${duration(r.durationMs)}`);
  return fail(
    id,
    name,
    `${url}: ${r.detail}`,
    "the listener runs but does not answer: restart okhook listen (and check nothing else holds its port)",
  );
}

/**
 * The same GET through the public URL: Okta's exact path, end to end through the tunnel.
 * A failure here with the local check passing is the tunnel (or what the URL points at).
 */
export function publicChallengeCheck(
  url: string | undefined,
  r: VerifyResult | undefined,
  why?: string,
): Check {
  const id = "challenge.public";
  const name = "challenge through the public URL";
  if (!url || !r) return skip(id, name, why ?? "no public URL");
  if (r.verified) {
    const detail = `${url} echoed the challenge in ${duration(r.durationMs)}, as Okta's Verify needs`;
    if (r.durationMs > CLOSE_TO_TIMEOUT_MS) {
      return warn(
        id,
        name,
        `${detail}, close to Okta's 3 s`,
        "a slow tunnel: restart okhook listen for a fresh one if Verify fails",
      );
    }
    return ok(id, name, detail);
  }
  return fail(id, name, `${url}: ${r.detail}`, publicFix(r));
}

function publicFix(r: VerifyResult): string {
  switch (r.rule) {
    case "dns":
      return "the tunnel hostname does not resolve: a quick tunnel's name takes seconds to appear, and is gone once its cloudflared stops; run okhook doctor again, or restart okhook listen";
    case "timeout":
      return "the tunnel does not pass requests in time: restart okhook listen for a new tunnel";
    case "status":
      return r.status === 404
        ? "the public URL reaches something that is not this hook path: check --path, and that the URL is this listener's"
        : "the tunnel answered instead of the listener (Cloudflare 502/530: cloudflared lost its connection): restart okhook listen";
    case "tls":
      return "TLS failed on the public URL: check the named tunnel's hostname and certificate";
    default:
      return "the public URL does not reach the listener: restart okhook listen, or check the tunnel";
  }
}

/** A forward target answers, and how fast against Okta's 3 s. */
export function targetCheck(p: TargetProbe): Check {
  const id = "target";
  const name = `forward target ${p.url}`;
  if (p.status === undefined) {
    return fail(
      id,
      name,
      `unreachable: ${p.error ?? "no answer"}`,
      "start your app there, or point listen at it: --forward-to <url>",
    );
  }
  const took = `answered HEAD ${p.status} in ${duration(p.ms)}`;
  if (p.ms > OKTA_HOOK_TIMEOUT_MS) {
    return warn(
      id,
      name,
      `${took}: slower than Okta's 3 s`,
      "fine behind okhook (it answers Okta at once), but in production Okta would give up on this app: answer first, work after",
    );
  }
  if (p.status >= 500) {
    return warn(id, name, `${took}: a server error`, "check your app's log");
  }
  return ok(id, name, took);
}

/** One line saying the listener forwards nowhere (capture only). */
export function noTargetsCheck(running: boolean): Check {
  return skip(
    "target",
    "forward targets",
    running ? "none: the listener only captures (--forward-to <url> forwards)" : "none recorded",
  );
}
