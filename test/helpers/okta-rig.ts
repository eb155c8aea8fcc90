import { Agent } from "undici";
import { type FakeOkta, startFakeOkta } from "./fake-okta.js";
import { type HookReceiver, startHookReceiver } from "./hook-receiver.js";

/** A fake Okta, a hook receiver for its deliveries and an undici Agent for the client. */
export interface OktaRig {
  fake: FakeOkta;
  receiver: HookReceiver;
  agent: Agent;
}

const open: OktaRig[] = [];

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

/** Close every rig: the client's agent first, then the fake and the receiver. */
export async function closeOktaRigs(): Promise<void> {
  for (const { agent, fake, receiver } of open.splice(0)) {
    await agent.close();
    await fake.close();
    await receiver.close();
  }
}
