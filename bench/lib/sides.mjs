// The servers a load scenario compares: okhook listen (built CLI), the minimal durable
// server and the bare node:http server (bench/baselines/). Each run gets a fresh database.
import { join } from "node:path";
import { load } from "./load.mjs";
import { oktaHeaders } from "./payload.mjs";
import { startOkhook, startScript } from "./proc.mjs";

let seq = 0;

/** Start one side; `url` is where deliveries go. */
export async function startSide(side, ctx, { forwardTo = [], nodeArgs = [], extra = [] } = {}) {
  const db = join(ctx.tmp, `${side}-${++seq}.db`);
  if (side === "bare") {
    const s = await startScript("bare-server.mjs", [], { nodeArgs });
    return { ...s, url: `${s.url}/okta/events`, db: null };
  }
  if (side === "durable") {
    const s = await startScript("durable-server.mjs", [db], { nodeArgs });
    return { ...s, url: `${s.url}/okta/events`, db };
  }
  const s = await startOkhook({ db, secret: ctx.secret, forwardTo, nodeArgs, extra });
  return { ...s, db };
}

/** Warm up for `warmS` seconds, then measure for `durationS` (or `amount` requests). */
export async function warmAndLoad(
  url,
  ctx,
  { factory, connections = 20, durationS, amount, warmS = 1 },
) {
  const headers = oktaHeaders(ctx.secret);
  if (warmS > 0) await load({ url, connections, durationS: warmS, factory, headers });
  return load({ url, connections, durationS, amount, factory, headers });
}
