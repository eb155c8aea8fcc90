import { afterEach, describe, expect, it } from "vitest";
import { curlAuthPlan, findListener } from "../../src/listen/listener-auth.js";
import { recordListenerAuth } from "../../src/listen/secret.js";
import { curlAuth, ENV_SECRET_EXPR } from "../../src/output/curl.js";
import { createTuiActions, curlAuthFor } from "../../src/tui/actions.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { closeStores, seed, tempStore } from "../helpers/ui.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

const URL = "http://127.0.0.1:8787/okta/events";

/** A database whose listener used `secret` on its hook URL. */
function withListener(secret: string | undefined) {
  const file = `${tmpDir()}/okhook.db`;
  const store = tempStore(file);
  const [d] = seed(store, 1);
  store.meta.set("listener.url", URL);
  recordListenerAuth(store, file, {
    header: "authorization",
    secret,
    flagSecret: secret,
    envSecret: undefined,
    forwardAuth: undefined,
    targets: [],
    warn: () => {},
  });
  return { file, store, seq: d!.seq, view: findListener(file, {}, store) };
}

function tuiCurl(o: ReturnType<typeof withListener>, db: string | undefined): string {
  const actions = createTuiActions({
    store: o.store,
    auth: { header: "authorization", value: undefined },
    timeoutMs: 1000,
    curlUrl: () => URL,
    authHeader: "authorization",
    curlAuth: curlAuthFor(o.view, db),
    copy: () => ({ copied: false, note: "test" }),
    quit: () => {},
  });
  return actions.curl(o.seq).parts.join(" ");
}

describe("one listener lookup for show --curl and the TUI's c", () => {
  it("the TUI's c looks the secret up like show --curl: $OKHOOK_SECRET, else okhook secret", () => {
    const l = withListener("a-listener-secret");
    const show = curlAuth(curlAuthPlan(l.view, URL, { hint: "listener" }));
    expect(show).toEqual({
      header: "authorization",
      expr: `\${OKHOOK_SECRET:-$(okhook secret)}`,
    });
    const command = tuiCurl(l, undefined);
    expect(command).toContain(`-H "authorization: \${OKHOOK_SECRET:-$(okhook secret)}"`);
    expect(command).not.toContain("a-listener-secret");
  });

  it("show names the database in the lookup; the TUI, with a --db path, asks for $OKHOOK_SECRET", () => {
    const l = withListener("a-listener-secret");
    const plan = curlAuthPlan(l.view, URL, { hint: "listener" });
    expect(curlAuth(plan, { db: "/x/hooks.db" })?.expr).toBe(
      `\${OKHOOK_SECRET:-$(okhook secret --db '/x/hooks.db')}`,
    );
    expect(tuiCurl(l, "/x/hooks.db")).toContain(`-H "authorization: ${ENV_SECRET_EXPR}"`);
  });

  it("a listener without a secret: neither adds an auth header", () => {
    const l = withListener(undefined);
    expect(curlAuth(curlAuthPlan(l.view, URL, { hint: "listener" }))).toBeNull();
    expect(tuiCurl(l, undefined)).not.toMatch(/authorization/i);
  });
});
