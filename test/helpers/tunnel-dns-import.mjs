// Preload for `node --import` that plays DNS + Cloudflare's edge for a spawned okhook: a
// request to https://<name>.trycloudflare.com/… goes to the fake cloudflared's loopback proxy
// for that hostname (read from FAKE_CLOUDFLARED_STATE_DIR/<name>.json, written while the fake
// runs), or, with no such tunnel, to OKHOOK_TEST_DEAD_ORIGIN (a closed port: a dead quick
// tunnel). Every other request is untouched. It replaces undici's global dispatcher, which
// okhook's own requests use when given none, so okhook itself runs unchanged.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Agent, setGlobalDispatcher } from "undici";

const stateDir = process.env.FAKE_CLOUDFLARED_STATE_DIR;
const deadOrigin = process.env.OKHOOK_TEST_DEAD_ORIGIN ?? "http://127.0.0.1:9";

function proxyFor(hostname) {
  if (!stateDir) return undefined;
  try {
    return JSON.parse(readFileSync(join(stateDir, `${hostname}.json`), "utf8")).proxy;
  } catch {
    return undefined;
  }
}

const routed = new Agent().compose((dispatch) => (opts, handler) => {
  const origin = new URL(String(opts.origin));
  if (!origin.hostname.endsWith(".trycloudflare.com")) return dispatch(opts, handler);
  return dispatch({ ...opts, origin: proxyFor(origin.hostname) ?? deadOrigin }, handler);
});
setGlobalDispatcher(routed);
