import { join } from "node:path";
import { Agent } from "undici";
import { cliEnv } from "./cli.js";
import { FAKE_CLOUDFLARED, fakeCloudflaredEnv, readFakeProxy } from "./fake-cloudflared.js";
import { type FakeOkta, startFakeOkta } from "./fake-okta.js";
import { type HookReceiver, startHookReceiver } from "./hook-receiver.js";
import { tmpDir } from "./tmp.js";

/** A fake Okta, a hook receiver for its deliveries and an undici Agent for the client. */
export interface OktaRig {
  fake: FakeOkta;
  receiver: HookReceiver;
  agent: Agent;
}

const open: OktaRig[] = [];
const tunneled: FakeOkta[] = [];

/** Start a rig; `closeOktaRigs()` (in afterEach) closes every rig started since. */
export async function startOktaRig(
  opts: Parameters<typeof startFakeOkta>[0] = {},
): Promise<OktaRig> {
  const rig = {
    fake: await startFakeOkta(opts),
    receiver: await startHookReceiver(),
    agent: new Agent(),
  };
  open.push(rig);
  return rig;
}

/** A fake Okta behind the fake cloudflared, and what a spawned okhook needs to reach it. */
export interface TunneledOkta {
  fake: FakeOkta;
  /** The fake cloudflared's state dir (its `<hostname>.json` proxy files). */
  stateDir: string;
  home: string;
  /** `<home>/okhook.db`. */
  db: string;
  /** cliEnv(home) with the fake cloudflared, OKTA_ORG_URL and OKTA_API_TOKEN set. */
  env: NodeJS.ProcessEnv;
}

/**
 * A fake Okta whose "DNS" sends the fake cloudflared's trycloudflare hostnames to its loopback
 * proxy (or, with `deadPort`, every hook URI to that closed port), for e2e tests of `listen
 * --register`, `doctor` and `inline execute`. Closed by `closeOktaRigs()`.
 */
export async function startOktaBehindTunnel(
  o: { deadPort?: number; env?: Record<string, string | undefined> } = {},
): Promise<TunneledOkta> {
  const stateDir = tmpDir("okhook-cf-");
  const fake = await startFakeOkta({
    resolveUri: (uri) => {
      const u = new URL(uri);
      if (o.deadPort) return `http://127.0.0.1:${o.deadPort}${u.pathname}`;
      const p = readFakeProxy(stateDir, u.hostname);
      return p ? `${p.proxy}${u.pathname}${u.search}` : uri;
    },
  });
  tunneled.push(fake);
  const home = tmpDir();
  const env = cliEnv(home, {
    OKHOOK_CLOUDFLARED: FAKE_CLOUDFLARED,
    ...fakeCloudflaredEnv("ok", { stateDir }),
    OKTA_ORG_URL: fake.url,
    OKTA_API_TOKEN: fake.token,
    ...o.env,
  });
  return { fake, stateDir, home, db: join(home, "okhook.db"), env };
}

/** Close every rig: the client's agent first, then the fake and the receiver. */
export async function closeOktaRigs(): Promise<void> {
  for (const { agent, fake, receiver } of open.splice(0)) {
    await agent.close();
    await fake.close();
    await receiver.close();
  }
  await Promise.all(tunneled.splice(0).map((f) => f.close()));
}
