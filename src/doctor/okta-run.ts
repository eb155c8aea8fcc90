import { describeError, OkhookError } from "../errors.js";
import type { VerifyResult } from "../fixtures/verify.js";
import type { ListLogsOptions } from "../okta/client.js";
import type { OktaAuthInfo } from "../okta/errors.js";
import type { EventHook, LogEvent } from "../okta/types.js";
import {
  findOurHooks,
  type HookExpectation,
  hookChecks,
  noHookCheck,
  staleCandidates,
  staleHooksCheck,
} from "./okta-hooks.js";
import { deliveryLogCheck, HOOK_LOG_FILTER, LOG_WINDOW_MS, verifiedLogCheck } from "./okta-log.js";
import { type Check, fail, ok, skip } from "./types.js";

/** System Log pages read at most (1000 events each): doctor must stay fast on a noisy org. */
export const MAX_LOG_PAGES = 3;

/** The Okta calls doctor makes: reads only. */
export interface DoctorOktaClient {
  readonly orgUrl: string;
  readonly auth: OktaAuthInfo;
  listEventHooks(): Promise<EventHook[]>;
  listLogs(o: ListLogsOptions): AsyncGenerator<LogEvent[], void, undefined>;
}

/** Whether and how the Okta checks run. */
export type OktaSetup =
  | { kind: "skip"; why: string }
  /** The org is configured but a client cannot be made (e.g. no token): a check that cannot run. */
  | { kind: "error"; orgUrl: string; error: unknown }
  | { kind: "client"; client: DoctorOktaClient; expect: HookExpectation };

/** What the Okta checks need besides the client. */
export interface OktaRunOptions {
  /** Okta's verification GET, for the URLs of other hooks (are they dead?). */
  verify: (url: string) => Promise<VerifyResult>;
  now: number;
  listenerStartedAt?: string;
}

/** Every Okta check, in print order; the network calls after the hook list run concurrently. */
export async function oktaChecks(setup: OktaSetup, o: OktaRunOptions): Promise<Check[]> {
  if (setup.kind === "skip") return [skip("okta", "Okta checks", setup.why)];
  if (setup.kind === "error") return [cannot("okta.org", `Okta org ${setup.orgUrl}`, setup.error)];
  const { client, expect } = setup;
  const orgName = `Okta org ${client.orgUrl}`;
  let hooks: EventHook[];
  try {
    hooks = await client.listEventHooks();
  } catch (err) {
    return [cannot("okta.org", orgName, err)];
  }
  const checks: Check[] = [
    ok(
      "okta.org",
      orgName,
      `reachable, ${client.auth.envVar} accepted (${hooks.length} event hook${hooks.length === 1 ? "" : "s"})`,
    ),
  ];
  const ours = findOurHooks(hooks, expect);
  const [probes, logs] = await Promise.all([
    probeUrls(staleCandidates(hooks, ours), o.verify),
    ours.length > 0 ? readLogs(client, o.now).catch((err: unknown) => ({ err })) : undefined,
  ]);
  if (ours.length === 0) checks.push(noHookCheck(expect, client.orgUrl));
  for (const h of ours) checks.push(...hookChecks(h, expect));
  checks.push(staleHooksCheck(hooks, ours, probes));
  if (!logs) {
    checks.push(skip("log", "System Log", "no hook of this listener to look up"));
  } else if ("err" in logs) {
    checks.push(cannot("log", "System Log (24 h)", logs.err));
  } else {
    checks.push(verifiedLogCheck(logs.events, ours));
    checks.push(
      deliveryLogCheck(logs.events, ours, {
        listenerStartedAt: o.listenerStartedAt,
        capped: logs.capped,
      }),
    );
  }
  return checks;
}

async function probeUrls(
  hooks: readonly EventHook[],
  verify: (url: string) => Promise<VerifyResult>,
): Promise<Map<string, VerifyResult>> {
  const results = await Promise.all(hooks.map((h) => verify(h.channel.config.uri)));
  return new Map(hooks.map((h, i) => [h.id, results[i]!]));
}

async function readLogs(
  client: DoctorOktaClient,
  now: number,
): Promise<{ events: LogEvent[]; capped: boolean }> {
  const events: LogEvent[] = [];
  let pages = 0;
  const filter = HOOK_LOG_FILTER;
  for await (const page of client.listLogs({ since: now - LOG_WINDOW_MS, until: now, filter })) {
    events.push(...page);
    if (++pages >= MAX_LOG_PAGES) return { events, capped: true };
  }
  return { events, capped: false };
}

/**
 * A check that could not be made: the error's own line (it names the input and the fix) and
 * its exit code. Anything but an okhook error is a bug and goes up to cli.ts as one.
 */
export function cannot(id: string, name: string, err: unknown): Check {
  if (!(err instanceof OkhookError)) throw err;
  const code = err.exitCode;
  const cannotCheck = code === 3 || code === 4 || code === 5 ? code : undefined;
  // Okta's errors end with their fix after " — " (okta/errors.ts): show it as the fix.
  const [detail = "", hint] = describeError(err).split(" — ", 2);
  const fix =
    hint ??
    (code === 3
      ? "set OKTA_API_TOKEN (or OKTA_ACCESS_TOKEN) for this org"
      : code === 4
        ? "check the network and --org / OKTA_ORG_URL"
        : "check --org / OKTA_ORG_URL and try again");
  return { ...fail(id, name, detail, fix), ...(cannotCheck ? { cannotCheck } : {}) };
}
