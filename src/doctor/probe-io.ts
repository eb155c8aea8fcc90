import { execFile } from "node:child_process";
import { performance } from "node:perf_hooks";
import { type Dispatcher, request } from "undici";
import { describeError } from "../errors.js";
import { type VerifyResult, verifyEndpoint } from "../fixtures/verify.js";
import { OKTA_HOOK_TIMEOUT_MS } from "../okta/hook-types.js";
import { type ResolveCloudflaredOptions, resolveCloudflared } from "../tunnel/resolve.js";
import type { CloudflaredInfo, TargetProbe } from "./facts.js";

/** How long a forward target gets to answer doctor's HEAD (slow past 3 s, unreachable past this). */
export const TARGET_PROBE_TIMEOUT_MS = 5000;
/** How long `cloudflared --version` may take. */
export const CLOUDFLARED_VERSION_TIMEOUT_MS = 3000;

/**
 * Okta's verification GET (same headers, same 3 s), without the hook's secret: the listener
 * answers the challenge before it looks at auth, and a probe has no business carrying it.
 */
export function verifyAsOkta(url: string, dispatcher?: Dispatcher): Promise<VerifyResult> {
  return verifyEndpoint({ url, timeoutMs: OKTA_HOOK_TIMEOUT_MS, dispatcher });
}

/** A HEAD to a forward target (what listen's health probe sends): any answer is reachable. */
export async function probeTarget(
  url: string,
  o: { timeoutMs?: number; dispatcher?: Dispatcher } = {},
): Promise<TargetProbe> {
  const timeoutMs = o.timeoutMs ?? TARGET_PROBE_TIMEOUT_MS;
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await request(url, {
      method: "HEAD",
      signal,
      ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
    });
    await res.body.dump();
    return { url, status: res.statusCode, ms: ms() };
  } catch (err) {
    const error = signal.aborted ? `no answer within ${timeoutMs / 1000} s` : errorText(err);
    return { url, error, ms: ms() };
  }
}

/** Which cloudflared listen would run (never downloading one) and what `--version` says. */
export async function cloudflaredInfo(
  resolve: Omit<ResolveCloudflaredOptions, "install">,
  timeoutMs = CLOUDFLARED_VERSION_TIMEOUT_MS,
): Promise<CloudflaredInfo> {
  let found: Awaited<ReturnType<typeof resolveCloudflared>>;
  try {
    // install: false — doctor changes nothing, and a download could take a minute
    found = await resolveCloudflared({ ...resolve, install: false });
  } catch (err) {
    // the fix is the check's; keep what was tried
    return { found: false, error: describeError(err).replace(/: install it .*$/, "") };
  }
  const base = { found: true as const, path: found.path, source: found.source };
  return new Promise((resolveInfo) => {
    execFile(found.path, ["--version"], { timeout: timeoutMs }, (err, stdout) => {
      const version = /version\s+(\S+)/i.exec(String(stdout))?.[1];
      if (version) return resolveInfo({ ...base, version });
      resolveInfo({ ...base, error: err ? describeError(err) : "no version in its output" });
    });
  });
}

function errorText(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === "string" && code.startsWith("E") ? code : describeError(err);
}
