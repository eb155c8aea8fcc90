import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { authPlan } from "../../src/listen/listener-auth.js";
import { listenerSecrets, recordListenerAuth, secretsFileFor } from "../../src/listen/secret.js";
import { createTuiActions } from "../../src/tui/actions.js";
import { seedAttempt } from "../helpers/seed-store.js";
import { closeTargets, type Received, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { closeStores, seed, tempStore } from "../helpers/ui.js";

afterEach(async () => {
  closeStores();
  await closeTargets();
  cleanupTmp();
});

const SECRET = "given-at-listen-secret";

describe("okhook ui's r: the auth the listener forwarded with, looked up beside the database", () => {
  it("re-adds a --secret given to listen; stops before sending when it is not stored here", async () => {
    const app = await startTarget("/hooks", (req: Received) => ({
      status: req.headers.authorization === SECRET ? 200 : 401,
    }));
    const file = `${tmpDir()}/okhook.db`;
    const store = tempStore(file);
    const [d] = seed(store, 1);
    seedAttempt(store, d!.seq, { target: app.url });
    recordListenerAuth(store, file, {
      header: "authorization",
      secret: SECRET,
      flagSecret: SECRET,
      envSecret: undefined,
      forwardAuth: undefined,
      targets: [app.url],
      warn: () => {},
    });
    const actions = (authFor?: Parameters<typeof createTuiActions>[0]["authFor"]) =>
      createTuiActions({
        store,
        auth: { header: "authorization", value: undefined },
        authFor,
        timeoutMs: 5000,
        curlUrl: () => "http://127.0.0.1:8787/okta/events",
        authHeader: "authorization",
        copy: () => ({ copied: false, note: "not copied (test)" }),
        quit: () => {},
      });
    const lookup = () => {
      const s = listenerSecrets(file, store);
      return (url: string, role: Parameters<typeof authPlan>[3], fallbackHeader: string) =>
        authPlan(s, url, { fallbackHeader }, role);
    };
    const ok = await actions(lookup()).replay(d!.seq);
    expect(ok).toMatchObject({ ok: true, status: 200, target: app.url });
    expect(app.posts()[0]!.headers.authorization).toBe(SECRET);

    rmSync(secretsFileFor(file));
    const unknown = await actions(lookup()).replay(d!.seq);
    expect(unknown).toMatchObject({ ok: false, target: null, status: null });
    expect(unknown.error).toMatch(/not stored here .*pass --secret <value> or set OKHOOK_SECRET/);
    expect(app.posts()).toHaveLength(1);
  });
});
