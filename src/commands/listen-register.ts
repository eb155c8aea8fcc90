import { hostname } from "node:os";
import { ConfigError } from "../errors.js";
import type { RegisterPlan } from "../listen/hook-registration.js";
import type { CliContext } from "./context.js";

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
  const auth = { orgUrl, apiToken: ctx.env.oktaApiToken, accessToken: ctx.env.oktaAccessToken };
  // checks the credentials now (exit 3 before anything starts)
  new OktaClient(auth);
  const events = expandEventTypes(o.events.split(","), { flag: "--events" });
  return {
    client: (extra) => new OktaClient({ ...auth, ...extra }),
    orgUrl,
    events,
    name: `okhook ${hostname()}`,
    verifyTimeoutMs: o.verifyTimeoutMs,
  };
}
