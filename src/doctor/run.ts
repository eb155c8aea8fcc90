import type { VerifyResult } from "../fixtures/verify.js";
import type { CloudflaredInfo, LocalFacts, TargetProbe } from "./facts.js";
import {
  cloudflaredCheck,
  databaseChecks,
  listenerCheck,
  nodeCheck,
  rejectionsCheck,
  tunnelCheck,
} from "./local.js";
import { type OktaSetup, oktaChecks } from "./okta-run.js";
import {
  localChallengeCheck,
  noTargetsCheck,
  publicChallengeCheck,
  targetCheck,
} from "./probes.js";
import { conclude, type DoctorReport } from "./types.js";

/** Everything doctor reads, as functions and facts: tests pass loopback servers and temp files. */
export interface DoctorDeps {
  dbPath: string;
  /** Read synchronously before anything goes on the network. */
  local: LocalFacts;
  /** Okta's verification GET against a URL (3 s). */
  verify: (url: string) => Promise<VerifyResult>;
  probeTarget: (url: string) => Promise<TargetProbe>;
  cloudflared: () => Promise<CloudflaredInfo>;
  okta: OktaSetup;
}

/**
 * Run every check (read-only) and conclude. The network checks — the two challenges, the
 * targets, cloudflared, Okta — run at the same time, each bounded by its own timeout, so the
 * whole takes about as long as the slowest one.
 */
export async function runDoctor(d: DoctorDeps): Promise<DoctorReport> {
  const { local } = d;
  const l = local.listener;
  const running = l?.running === true;
  const publicUrl = running && l?.tunnel?.state !== "off" ? l?.tunnel?.hookUrl : undefined;
  const [localResult, publicResult, targets, cloudflared, okta] = await Promise.all([
    running && l?.url ? d.verify(l.url) : undefined,
    publicUrl ? d.verify(publicUrl) : undefined,
    Promise.all((l?.targets ?? []).map((t) => d.probeTarget(t))),
    d.cloudflared(),
    oktaChecks(d.okta, {
      verify: d.verify,
      now: local.now,
      listenerStartedAt: running ? l?.startedAt : undefined,
    }),
  ]);
  const checks = [
    nodeCheck(local.nodeVersion),
    ...databaseChecks(local.db),
    listenerCheck(l, d.dbPath, local.now),
    tunnelCheck(l),
    rejectionsCheck(l),
    localChallengeCheck(running ? l?.url : undefined, localResult),
    publicChallengeCheck(publicUrl, publicResult, publicWhy(local)),
    ...(targets.length ? targets.map(targetCheck) : [noTargetsCheck(running)]),
    cloudflaredCheck(cloudflared, l),
    ...okta,
  ];
  const org = d.okta.kind === "client" ? d.okta.client.orgUrl : undefined;
  return conclude(checks, d.dbPath, org);
}

function publicWhy(local: LocalFacts): string {
  const l = local.listener;
  if (!l?.running) return "no listener running";
  if (!l.tunnel) return "the listener did not record a public URL";
  if (l.tunnel.state === "off") return "--tunnel none: no public URL";
  return `the tunnel has no URL yet (${l.tunnel.state})`;
}
