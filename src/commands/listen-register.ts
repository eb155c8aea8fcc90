import { hostname } from "node:os";
import { ConfigError } from "../errors.js";
import type { EventBus } from "../events.js";
import type { ListenSession } from "../listen/session.js";
import type { OktaClient } from "../okta/client.js";
import type { CliContext } from "./context.js";

/** Everything `--register` needs, checked before the listener starts. */
export interface RegisterPlan {
  client: OktaClient;
  orgUrl: string;
  events: string[];
  name: string;
  verifyTimeoutMs: number;
}

/** Validate `--register` inputs up front: org URL (exit 2/3), token (exit 3), event types (exit 2). */
export async function planRegister(
  o: { org?: string; events: string; verifyTimeoutMs: number },
  ctx: CliContext,
): Promise<RegisterPlan> {
  const [{ validateOrgUrl }, { OktaClient }, { expandEventTypes }] = await Promise.all([
    import("../okta/org-url.js"),
    import("../okta/client.js"),
    import("../okta/event-types.js"),
  ]);
  const raw = o.org ?? ctx.env.oktaOrgUrl;
  if (!raw)
    throw new ConfigError(
      "--register needs the Okta org: pass --org https://<org>.okta.com or set OKTA_ORG_URL",
    );
  const orgUrl = validateOrgUrl(raw, o.org ? "--org" : "OKTA_ORG_URL");
  const client = new OktaClient({
    orgUrl,
    apiToken: ctx.env.oktaApiToken,
    accessToken: ctx.env.oktaAccessToken,
  });
  const events = expandEventTypes(o.events.split(","), { flag: "--events" });
  return {
    client,
    orgUrl,
    events,
    name: `okhook ${hostname()}`,
    verifyTimeoutMs: o.verifyTimeoutMs,
  };
}

/**
 * Point okhook's event hook at `hookUrl` (create/update → verify → activate), remember its id,
 * and deactivate it when the session stops. Re-run when the tunnel URL changes.
 */
export async function registerForSession(o: {
  plan: RegisterPlan;
  session: ListenSession;
  bus: EventBus;
  hookUrl: string;
  secret: string;
  authHeader: string;
}): Promise<void> {
  const { registerHook } = await import("../okta/register.js");
  const metaKey = `okta.hookId:${o.plan.orgUrl}`;
  const { hook, created } = await registerHook({
    client: o.plan.client,
    name: o.plan.name,
    hookUrl: o.hookUrl,
    secret: o.secret,
    authHeader: o.authHeader,
    events: o.plan.events,
    knownId: o.session.store.getMeta(metaKey),
    verifyDeadlineMs: o.plan.verifyTimeoutMs,
    verifyBaseDelayMs: Math.min(1000, o.plan.verifyTimeoutMs / 10),
  });
  o.session.store.setMeta(metaKey, hook.id);
  o.bus.emit({
    type: "hook",
    hookId: hook.id,
    status: hook.status,
    verificationStatus: hook.verificationStatus,
    detail: `${created ? "created" : "updated"} "${hook.name}" → ${o.hookUrl} (${o.plan.events.length} event types); deactivated when okhook stops`,
  });
}

/** Deactivate (never delete) the hook at shutdown so the next run re-uses it. */
export async function deactivateOnStop(
  plan: RegisterPlan,
  session: ListenSession,
  bus: EventBus,
): Promise<void> {
  const id = session.store.getMeta(`okta.hookId:${plan.orgUrl}`);
  if (!id) return;
  try {
    const hook = await plan.client.deactivate(id);
    bus.emit({
      type: "hook",
      hookId: id,
      status: hook.status,
      verificationStatus: hook.verificationStatus,
      detail: "deactivated",
    });
  } catch (err) {
    bus.emit({
      type: "warning",
      message: `could not deactivate Okta event hook ${id}: ${(err as Error).message}`,
    });
  }
}
