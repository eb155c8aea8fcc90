import { hostname } from "node:os";
import { resolveDbPath } from "../config.js";
import type { ListenerFacts } from "../doctor/facts.js";
import { knownHookId, readListenerFacts } from "../doctor/listener-facts.js";
import type { OktaSetup } from "../doctor/okta-run.js";
import { cloudflaredInfo, probeTarget, verifyAsOkta } from "../doctor/probe-io.js";
import { runDoctor } from "../doctor/run.js";
import type { DoctorReport } from "../doctor/types.js";
import { ConfigError, NetworkError, type OkhookError, RemoteApiError } from "../errors.js";
import { OktaClient } from "../okta/client.js";
import { validateOrgUrl } from "../okta/org-url.js";
import { doctorJson, renderDoctor } from "../output/doctor-render.js";
import { colorFor } from "../output/format.js";
import { inspectDb } from "../store/health.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { flagOrEnv } from "./options.js";

/** `okhook doctor` flags as commander parses them. */
export interface DoctorFlags {
  db?: string;
  org?: string;
  json?: boolean;
}

/** Okta requests doctor makes wait at most this long (a healthy org answers in well under). */
const OKTA_TIMEOUT_MS = 5000;

/**
 * `okhook doctor`: check every link from Okta to the app, read-only, and say which one is
 * broken and how to fix it. Exit 1 on a problem; 3/4/5 when a check could not be made.
 */
export async function doctorCommand(flags: DoctorFlags, ctx: CliContext): Promise<Outcome> {
  const dbPath = resolveDbPath(flags.db, ctx.env);
  const org = flagOrEnv("--org", flags.org, "OKTA_ORG_URL", ctx.env.oktaOrgUrl);
  // a malformed --org (or OKTA_ORG_URL) is a usage error (exit 2) before anything runs
  const orgUrl = org ? validateOrgUrl(org.value, org.from) : undefined;
  const now = Date.now();
  const { facts, store } = inspectDb(dbPath);
  let listener: ListenerFacts | undefined;
  let knownId: string | undefined;
  if (store) {
    try {
      listener = readListenerFacts(store, { dbPath, now });
      knownId = orgUrl ? knownHookId(store, orgUrl) : undefined;
    } catch (err) {
      facts.error = err instanceof Error ? err.message : String(err);
    } finally {
      store.close();
    }
  }
  const report = await runDoctor({
    dbPath,
    local: { nodeVersion: process.version, db: facts, listener, now },
    verify: (url) => verifyAsOkta(url),
    probeTarget: (url) => probeTarget(url),
    cloudflared: () =>
      cloudflaredInfo({
        explicit: ctx.env.cloudflared,
        explicitLabel: "OKHOOK_CLOUDFLARED",
        pathEnv: ctx.env.path,
      }),
    okta: oktaSetup(orgUrl, listener, knownId, ctx),
  });
  ctx.stdout.write(
    flags.json ? doctorJson(report) : renderDoctor(report, colorFor(ctx.stdout, ctx.env)),
  );
  const blocked = cannotCheckError(report);
  if (blocked) throw blocked;
  return report.exitCode === 1 ? OUTCOME.problemFound : OUTCOME.ok;
}

function oktaSetup(
  orgUrl: string | undefined,
  l: ListenerFacts | undefined,
  knownId: string | undefined,
  ctx: CliContext,
): OktaSetup {
  if (!orgUrl) {
    return { kind: "skip", why: "no --org or OKTA_ORG_URL (set one to check the Okta side too)" };
  }
  let client: OktaClient;
  try {
    client = new OktaClient({
      orgUrl,
      apiToken: ctx.env.oktaApiToken,
      accessToken: ctx.env.oktaAccessToken,
      requestTimeoutMs: OKTA_TIMEOUT_MS,
      maxRetries: 1,
      maxRateLimitWaits: 1,
      retryBaseDelayMs: 300,
      signal: ctx.signal,
    });
  } catch (err) {
    return { kind: "error", orgUrl, error: err };
  }
  return {
    kind: "client",
    client,
    expect: {
      hookUrl: l?.running && l.tunnel?.state !== "off" ? l.tunnel?.hookUrl : undefined,
      header: l?.header ?? "authorization",
      secretSource: l?.secretSource ?? "none",
      knownId,
      registerName: `okhook ${hostname()}`,
    },
  };
}

/** The error (and exit code) for checks that could not be made; the report already shows them. */
function cannotCheckError(r: DoctorReport): OkhookError | undefined {
  const blocked = r.checks.filter((c) => c.cannotCheck !== undefined);
  const first = blocked[0];
  if (!first) return undefined;
  const message = `doctor could not check ${blocked.map((c) => c.name).join(", ")}: ${first.detail}`;
  if (first.cannotCheck === 3) return new ConfigError(message);
  if (first.cannotCheck === 4) return new NetworkError(message);
  return new RemoteApiError(message);
}
