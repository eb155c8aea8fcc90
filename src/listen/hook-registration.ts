import { hostname } from "node:os";
import { ConfigError } from "../errors.js";
import type { EventBus } from "../events.js";
import { OktaClient, type OktaClientOptions } from "../okta/client.js";
import { expandEventTypes } from "../okta/event-types.js";
import { validateOrgUrl } from "../okta/org-url.js";
import { registerHook } from "../okta/register.js";
import type { OktaProgress } from "../okta/transport.js";
import type { Store } from "../store/store.js";

/** At shutdown, Okta gets this long per request to deactivate the hook (a second Ctrl+C quits sooner). */
export const DEACTIVATE_TIMEOUT_MS = 10_000;

/** Everything `--register` needs, checked before the listener starts. */
export interface RegisterPlan {
  orgUrl: string;
  events: string[];
  name: string;
  verifyTimeoutMs: number;
  /** A client of the org; `signal` ends its requests and waits, the other options tune it. */
  client: (
    extra?: Pick<OktaClientOptions, "signal" | "onProgress" | "requestTimeoutMs" | "maxRetries">,
  ) => OktaClient;
}

/** The org a registration talks to: `--org`, else OKTA_ORG_URL, and the tokens. */
export interface OrgInput {
  orgFlag?: string;
  orgEnv?: string;
  apiToken?: string;
  accessToken?: string;
}

/** What `--register` was given: the org, the tokens, the event types. */
export interface RegisterInput extends OrgInput {
  /** Comma list with * globs, as `--events` takes it. */
  events: string;
  verifyTimeoutMs: number;
}

/**
 * The org URL and a client factory for `flag` (`--register`, `--register-inline`): a missing
 * or malformed org (exit 3/2) and the credentials (exit 3) are checked now, before anything starts.
 */
export function planOrg(o: OrgInput, flag: string): Pick<RegisterPlan, "orgUrl" | "client"> {
  const raw = o.orgFlag ?? o.orgEnv;
  if (!raw)
    throw new ConfigError(
      `${flag} needs the Okta org: pass --org https://<org>.okta.com or set OKTA_ORG_URL`,
    );
  const orgUrl = validateOrgUrl(raw, o.orgFlag ? "--org" : "OKTA_ORG_URL");
  const auth = { orgUrl, apiToken: o.apiToken, accessToken: o.accessToken };
  new OktaClient(auth); // checks the credentials
  return { orgUrl, client: (extra) => new OktaClient({ ...auth, ...extra }) };
}

/** Check `--register`'s inputs before anything starts: org URL (exit 2/3), token (exit 3), event types (exit 2). */
export function planRegister(o: RegisterInput): RegisterPlan {
  const org = planOrg(o, "--register");
  const events = expandEventTypes(o.events.split(","), { flag: "--events" });
  return {
    ...org,
    events,
    name: `okhook ${hostname()}`,
    verifyTimeoutMs: o.verifyTimeoutMs,
  };
}

/** What a registration reports besides session events: what it waits for (undefined: done). */
export type ProgressFn = (message: string | undefined) => void;

/**
 * okhook's Okta event hook for one listen session: point it at the tunnel (create/update →
 * verify → activate), again whenever the URL changes, and deactivate it at shutdown — after
 * cancelling any step in flight, so nothing re-activates it afterwards.
 */
export class HookRegistration {
  private readonly abort = new AbortController();
  private chain: Promise<unknown> = Promise.resolve();
  private hookId: string | undefined;
  private attempted = false;
  private readonly metaKey: string;

  constructor(
    private readonly o: {
      plan: RegisterPlan;
      store: Store;
      bus: EventBus;
      secret: string;
      authHeader: string;
      onProgress?: ProgressFn;
    },
  ) {
    this.metaKey = `okta.hookId:${o.plan.orgUrl}`;
    this.hookId = o.store.meta.get(this.metaKey);
  }

  /** True once shutdown began: a rejection from `register` then means "cancelled", not failed. */
  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  /** Point the hook at `hookUrl`; calls run one after another (the newest URL ends up registered). */
  register(hookUrl: string): Promise<void> {
    const run = this.chain.then(() => this.registerOnce(hookUrl));
    this.chain = run.catch(() => {});
    return run;
  }

  /** Cancel what is in flight, wait for it to settle, then deactivate (never delete) the hook. */
  async shutdown(): Promise<void> {
    this.abort.abort(new Error("okhook is stopping"));
    await this.chain;
    if (!this.hookId && !this.attempted) return;
    const client = this.o.plan.client({
      requestTimeoutMs: DEACTIVATE_TIMEOUT_MS,
      maxRetries: 1,
      onProgress: (p) => this.o.onProgress?.(oktaWait(p)),
    });
    let id = this.hookId;
    try {
      // a create cancelled in flight may still have happened at Okta: find it by its name
      id ??= (await client.listEventHooks()).find((h) => h.name === this.o.plan.name)?.id;
      if (!id) return;
      this.o.onProgress?.(`deactivating Okta event hook ${id}`);
      const hook = await client.deactivate(id);
      this.o.bus.emit({
        type: "hook",
        hookId: id,
        status: hook.status,
        verificationStatus: hook.verificationStatus,
        detail: "deactivated",
      });
    } catch (err) {
      this.o.bus.emit({
        type: "warning",
        message: `could not deactivate Okta event hook ${id ?? `"${this.o.plan.name}"`}: ${(err as Error).message} (deactivate it in the Admin Console: Workflow > Event Hooks)`,
      });
    } finally {
      this.o.onProgress?.(undefined);
    }
  }

  private async registerOnce(hookUrl: string): Promise<void> {
    const signal = this.abort.signal;
    signal.throwIfAborted();
    this.attempted = true;
    const { plan } = this.o;
    const progress = (message: string) => this.o.onProgress?.(message);
    try {
      const { hook, created } = await registerHook({
        client: plan.client({ signal, onProgress: (p) => progress(oktaWait(p)) }),
        name: plan.name,
        hookUrl,
        secret: this.o.secret,
        authHeader: this.o.authHeader,
        events: plan.events,
        knownId: this.hookId,
        verifyDeadlineMs: plan.verifyTimeoutMs,
        verifyBaseDelayMs: Math.min(1000, plan.verifyTimeoutMs / 10),
        onProgress: progress,
        onHookId: (id) => this.remember(id),
        signal,
      });
      this.o.bus.emit({
        type: "hook",
        hookId: hook.id,
        status: hook.status,
        verificationStatus: hook.verificationStatus,
        detail: `${created ? "created" : "updated"} "${hook.name}" → ${hookUrl} (${plan.events.length} event types); deactivated when okhook stops`,
      });
    } finally {
      this.o.onProgress?.(undefined);
    }
  }

  private remember(id: string): void {
    this.hookId = id;
    // the store closes at shutdown only after shutdown() ran, so this write is never late
    this.o.store.meta.set(this.metaKey, id);
  }
}

/** The Okta client's own waits (rate limit, retries), in words. */
function oktaWait(p: OktaProgress): string {
  const s = `${Math.max(1, Math.round(("waitMs" in p ? p.waitMs : 0) / 1000))} s`;
  if (p.type === "rate-limit-wait") return `Okta rate limit on ${p.path}: waiting ${s}`;
  if (p.type === "retry") return `Okta ${p.path}: ${p.reason}; retry ${p.attempt} in ${s}`;
  return `reading Okta: ${p.pages} pages`;
}
