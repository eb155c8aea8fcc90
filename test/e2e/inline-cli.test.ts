import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, jsonEvents, killAll, runCli, startCli } from "../helpers/cli.js";
import { closeOktaRigs, startOktaBehindTunnel } from "../helpers/okta-rig.js";
import { closeTargets, freePort, startServer } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  await closeOktaRigs();
  cleanupTmp();
});

/** An app that answers every inline hook call with `answer`. */
function app(answer: string, status = 200) {
  return startServer((_r, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(answer);
  });
}

describe("okhook send inline", () => {
  it("exit 1 and Okta's words for the mistake Okta's own example makes; exit 0 for a valid answer; --json", async () => {
    const env = cliEnv(tmpDir());
    const bad = await app(
      '{"commands":[{"type":"com.action.update","value":{"registration":"DENY"}}]}',
    );
    const r = await runCli(["send", "inline", "registration", "--to", bad.origin], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("NOT APPLIED registration →");
    expect(r.stdout).toContain(
      'unknown command type "com.action.update" (did you mean com.okta.action.update?)',
    );
    const good = await app(
      '{"commands":[{"type":"com.okta.action.update","value":{"registration":"DENY"}}]}',
    );
    const ok = await runCli(["send", "inline", "registration", "--to", good.origin, "--json"], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      fixture: "registration",
      status: 200,
      applied: true,
      okta: 'Okta denies the registration; the user sees "Registration denied."',
    });
    const sent = JSON.parse(good.received[0]!.body.toString());
    expect(sent).toMatchObject({
      eventType: "com.okta.user.pre-registration",
      requestType: "self.service.registration",
    });
    expect(sent).not.toHaveProperty("_meta");
  });

  it("exit 4 when nothing answers; exit 2 for an unknown type", async () => {
    const env = cliEnv(tmpDir());
    const down = await runCli(
      ["send", "inline", "token", "--to", `http://127.0.0.1:${await freePort()}/`],
      env,
    );
    expect(down.code).toBe(4);
    expect(down.stdout).toMatch(/NOT APPLIED token .*connection refused/);
    const bad = await runCli(["send", "inline", "tokn", "--to", "http://127.0.0.1:1/"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'inline fixture "tokn": no such type or fixture (did you mean token?',
    );
  });
});

describe("okhook listen --register-inline and okhook inline execute", () => {
  it("registers the token hook at the tunnel's inline URL, Okta's execute reaches the app through it, exit deactivates", async () => {
    const { fake, db, env } = await startOktaBehindTunnel();
    const answer =
      '{"commands":[{"type":"com.okta.access.patch","value":[{"op":"add","path":"/claims/tier","value":"gold"}]}]}';
    const target = await app(answer);
    const listen = startCli(
      [
        "listen",
        "--register-inline",
        "token",
        "--inline-to",
        target.origin,
        "--port",
        "0",
        "--output",
        "json",
        "--db",
        db,
      ],
      env,
    );
    await listen.waitOut(/"type":"inline-hook"/, 20_000);
    const [hook] = [...fake.inlineHooks.hooks.values()];
    expect(hook).toMatchObject({
      status: "ACTIVE",
      input: { type: "com.okta.oauth2.tokens.transform" },
    });
    expect(hook!.input.channel.config.uri).toMatch(
      /^https:\/\/[\w-]+\.trycloudflare\.com\/okta\/inline$/,
    );
    const ex = await runCli(["inline", "execute", "token", "--db", db], env);
    expect(ex.stderr).toBe("");
    expect(ex.code).toBe(0);
    expect(ex.stdout).toContain(`OKTA GOT AN ANSWER hook ${hook!.id}`);
    expect(ex.stdout).toContain(
      "APPLIED Okta issues the token with these changes: access token add /claims/tier",
    );
    // through the tunnel and the listener, with the secret Okta was given
    expect(target.received[0]!.headers.authorization).toBe(
      hook!.input.channel.config.authScheme!.value,
    );
    await waitFor(() => jsonEvents(listen.stdout()).some((e) => e.type === "inline"));
    expect(await listen.stop()).toBe(0);
    expect(fake.inlineHooks.hooks.get(hook!.id)!.status).toBe("INACTIVE");
  });
});
