import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { authPlan, roleOf } from "../../src/listen/listener-auth.js";
import {
  generatedSecret,
  type ListenerAuthInput,
  listenerSecrets,
  pendingSecret,
  recordListenerAuth,
  secretsFileFor,
} from "../../src/listen/secret.js";
import { LISTENER_TUNNEL_META } from "../../src/listen/tunnel-record.js";
import type { Store } from "../../src/store/store.js";
import { closeStores, tempStore } from "../helpers/seed-store.js";
import { cleanupTmp } from "../helpers/tmp.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

const APP = "http://localhost:3000/hooks";
const LISTENER = "http://127.0.0.1:41234/okta/events";

/** A database whose listener ran with these settings (as `listen` records them). */
function listenerRan(over: Partial<ListenerAuthInput> = {}): { store: Store; file: string } {
  const t = tempStore();
  t.store.meta.set("listener.url", LISTENER);
  recordListenerAuth(t.store, t.file, {
    header: "authorization",
    secret: "given-secret",
    flagSecret: "given-secret",
    envSecret: undefined,
    forwardAuth: undefined,
    targets: [APP],
    warn: (m) => {
      throw new Error(m);
    },
    ...over,
  });
  return t;
}

describe("the listener's secrets: one record beside the database", () => {
  it("keeps a given secret in the 0600 file, only its shape in the database", () => {
    const { store, file } = listenerRan();
    const secrets = secretsFileFor(file);
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(readFileSync(secrets, "utf8")).toContain("given-secret");
    const meta = store.db.prepare("SELECT key, value FROM meta").all();
    expect(JSON.stringify(meta)).not.toContain("given-secret");
    expect(JSON.parse(store.meta.get("listener.auth")!)).toEqual({
      header: "authorization",
      source: "--secret",
      forwardMode: "secret",
      targets: [APP],
    });
    const s = listenerSecrets(file, store);
    expect(s).toMatchObject({
      recorded: true,
      source: "--secret",
      inbound: { state: "value", value: "given-secret" },
      forward: { state: "value", value: "given-secret" },
      listenerUrl: LISTENER,
    });
  });

  it("answers the same whatever port the listener got (--port 0), and keeps generated secrets per configured port", () => {
    const t = tempStore();
    const generated = generatedSecret(t.file, "port:0");
    expect(generatedSecret(t.file, "port:0")).toBe(generated);
    for (const port of [41234, 50999]) {
      t.store.meta.set("listener.url", `http://127.0.0.1:${port}/okta/events`);
      recordListenerAuth(t.store, t.file, {
        header: "authorization",
        secret: generated,
        flagSecret: undefined,
        envSecret: undefined,
        forwardAuth: undefined,
        targets: [],
        warn: () => {},
      });
      const s = listenerSecrets(t.file, t.store);
      expect(s.source).toBe("generated");
      expect(s.inbound).toEqual({ state: "value", value: generated });
    }
    expect(generatedSecret(t.file, "port:0")).toBe(generated);
  });

  it("keeps a new generated secret only when listen saves it (a run refused at start writes nothing)", () => {
    const t = tempStore();
    const file = `${t.file}.secrets.json`;
    const first = pendingSecret(t.file, "port:8787");
    expect(existsSync(file)).toBe(false);
    const again = pendingSecret(t.file, "port:8787");
    expect(again.secret).not.toBe(first.secret);
    again.save();
    expect(existsSync(file)).toBe(true);
    // saved: every later run (and a late save of another candidate) keeps that one
    first.save();
    expect(pendingSecret(t.file, "port:8787").secret).toBe(again.secret);
    expect(generatedSecret(t.file, "port:8787")).toBe(again.secret);
  });

  it("reads databases of older listeners: a generated secret by its port key", () => {
    const t = tempStore();
    t.store.meta.set("listener.secretKey", "port:8787");
    writeFileSync(secretsFileFor(t.file), JSON.stringify({ "port:8787": "old-generated" }));
    expect(listenerSecrets(t.file, t.store)).toMatchObject({
      recorded: true,
      inbound: { state: "value", value: "old-generated" },
      forward: { state: "value", value: "old-generated" },
    });
    t.store.meta.set("listener.secretKey", "");
    expect(listenerSecrets(t.file, t.store).recorded).toBe(false);
  });

  it("says 'unknown' when the listener used a value that is not stored here", () => {
    const { store, file } = listenerRan();
    rmSync(secretsFileFor(file));
    const s = listenerSecrets(file, store);
    expect(s.inbound).toEqual({ state: "unknown" });
    const plan = authPlan(s, APP, {});
    expect(plan).toMatchObject({ send: false, why: "unknown" });
    expect(!plan.send && plan.message).toMatch(
      /not stored here .*secrets\.json\): pass --secret <value> or set OKHOOK_SECRET/,
    );
    // given explicitly, it is sent
    expect(authPlan(s, APP, { env: "from-env" })).toMatchObject({ send: true, value: "from-env" });
  });

  it("never sends the forward value to the listener nor the secret to the app when they differ", () => {
    const { store, file } = listenerRan({ forwardAuth: "app-token" });
    const s = listenerSecrets(file, store);
    expect(authPlan(s, LISTENER, {})).toMatchObject({ send: true, value: "given-secret" });
    expect(authPlan(s, "http://127.0.0.1:3000/other", {})).toMatchObject({
      send: true,
      value: "app-token",
    });
    // OKHOOK_SECRET stands in for the secret, never for a --forward-auth value; --secret wins.
    expect(authPlan(s, APP, { env: "env" })).toMatchObject({ value: "app-token" });
    expect(authPlan(s, LISTENER, { env: "env" })).toMatchObject({ value: "env" });
    expect(authPlan(s, APP, { flag: "flag" })).toMatchObject({ value: "flag", from: "--secret" });
    // somewhere else: the listener's values stay home
    expect(authPlan(s, "https://example.com/hook", {})).toMatchObject({
      send: false,
      why: "other-target",
    });
    expect(roleOf(s, "http://[::1]:3000/x")).toBe("app");
  });

  it("the tunnel's public URL is the listener too: it gets the listener's secret", () => {
    const { store, file } = listenerRan();
    const PUBLIC = "https://calm-words-here.trycloudflare.com/okta/events";
    store.meta.set(
      LISTENER_TUNNEL_META,
      JSON.stringify({ lockId: "x", state: "ready", hookUrl: PUBLIC, since: "" }),
    );
    const s = listenerSecrets(file, store);
    expect(roleOf(s, PUBLIC)).toBe("listener");
    expect(authPlan(s, PUBLIC, {})).toMatchObject({ send: true, value: "given-secret" });
    expect(roleOf(s, "https://other-words.trycloudflare.com/okta/events")).toBe("other");
  });

  it("sends nothing to the app with --forward-auth none, and nothing at all without a secret", () => {
    const dropped = listenerRan({ forwardAuth: "none" });
    const s = listenerSecrets(dropped.file, dropped.store);
    expect(authPlan(s, APP, { env: "x" })).toMatchObject({ send: false, why: "forward-none" });
    expect(authPlan(s, LISTENER, {})).toMatchObject({ send: true, value: "given-secret" });
    const open = listenerRan({ secret: undefined, flagSecret: undefined });
    const o = listenerSecrets(open.file, open.store);
    expect(o.source).toBe("none");
    expect(authPlan(o, APP, {})).toMatchObject({ send: false, why: "forward-none" });
    expect(authPlan(o, LISTENER, {})).toMatchObject({ send: false, why: "no-secret" });
  });
});
