import { afterEach, describe, expect, it } from "vitest";
import { loadInlineFixture } from "../../src/inline/fixtures.js";
import { cliHome, jsonEvents, killAll, runCli, startListen } from "../helpers/cli.js";
import { dbFilesContain, query } from "../helpers/db.js";
import { post } from "../helpers/payload.js";
import { closeTargets, freePort, startServer } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

const SECRET = "Basic b2todWs6aW5saW5lLXRlc3Q=";

/** POST an inline hook request with Okta's headers and `auth`. */
const call = (url: string, body: string | Buffer, auth = SECRET) =>
  post(url, body, { authorization: auth });

const inlineEvents = (stdout: string) =>
  jsonEvents(stdout).filter((e) => e.type === "inline") as unknown as {
    exchange: {
      applied: boolean;
      outcome: string;
      okta: string;
      status: number | null;
      replyStatus: number;
      deliveryId: string;
    };
  }[];

describe("okhook listen: inline hooks", () => {
  it("relays a token request and returns the app's answer byte for byte; stores request, answer and verdict", async () => {
    const { db, env } = cliHome();
    const answer = Buffer.from(
      '{"commands": [ {"type":"com.okta.identity.patch","value":[{"op":"add","path":"/claims/tier","value":"gold"}]} ]}\n',
    );
    const app = await startServer((_r, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(answer);
    });
    const l = await startListen(
      ["--db", db, "--secret", SECRET, "--inline-to", `${app.origin}/okta/token`],
      env,
    );
    const inlineUrl = l.hookUrl.replace("/okta/events", "/okta/inline");
    const body = JSON.stringify(loadInlineFixture("token").request);
    const res = await call(inlineUrl, body);
    expect(res.status).toBe(200);
    expect(res.bytes.equals(answer)).toBe(true);
    expect(res.type).toBe("application/json; charset=utf-8");
    expect(res.ms).toBeLessThan(3000);
    expect(app.received[0]!.body.toString()).toBe(body);
    expect(app.received[0]!.headers.authorization).toBe(SECRET);
    const ev = await waitFor(() => inlineEvents(l.stdout())[0]);
    expect(ev.exchange).toMatchObject({
      applied: true,
      outcome: "applied",
      status: 200,
      replyStatus: 200,
    });
    expect(ev.exchange.okta).toContain(
      "Okta issues the token with these changes: ID token add /claims/tier",
    );
    expect(
      query(
        db,
        "SELECT kind, status, first_event_type, inline_outcome, inline_applied, forward_status FROM deliveries",
      ),
    ).toEqual([
      {
        kind: "inline",
        status: 200,
        first_event_type: "com.okta.oauth2.tokens.transform",
        inline_outcome: "applied",
        inline_applied: 1,
        forward_status: 200,
      },
    ]);
    const [x] = query<{ answer: Buffer; kind: string; inline_type: string }>(
      db,
      "SELECT answer, kind, inline_type FROM inline_exchanges",
    );
    expect(x).toMatchObject({ kind: "relay", inline_type: "token" });
    expect(x!.answer.equals(answer)).toBe(true);
    const shown = await runCli(["show", ev.exchange.deliveryId, "--db", db], env);
    expect(shown.stdout).toMatch(/APPLIED[\s\S]*Okta issues the token with these changes/);
    expect((await call(inlineUrl, body, "wrong")).status).toBe(401);
  });

  it("a slow app: okhook answers Okta in time (504) and records the late answer and what Okta does", async () => {
    const { db, env } = cliHome();
    const app = await startServer((_r, res, self) =>
      self.later(() => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          '{"commands":[{"type":"com.okta.action.update","value":{"registration":"ALLOW"}}]}',
        );
      }, 900),
    );
    const l = await startListen(
      ["--db", db, "--inline-to", app.origin, "--inline-budget", "300"],
      env,
    );
    const res = await call(
      l.hookUrl.replace("/okta/events", "/okta/inline"),
      JSON.stringify(loadInlineFixture("registration").request),
    );
    expect(res.status).toBe(504);
    expect(res.ms).toBeLessThan(850);
    const ev = await waitFor(() => inlineEvents(l.stdout())[0]);
    expect(ev.exchange).toMatchObject({
      applied: false,
      outcome: "failed",
      status: 200,
      replyStatus: 504,
    });
    expect(ev.exchange.okta).toMatch(
      /^Okta denies the registration; the user sees "There was an error creating your account.*over okhook's 300 ms cut-off/,
    );
  });

  it("an app that is down: 502 at once, recorded as the failed call Okta sees", async () => {
    const { db, env } = cliHome();
    const l = await startListen(
      ["--db", db, "--inline-to", `http://127.0.0.1:${await freePort()}/`],
      env,
    );
    const res = await call(
      l.hookUrl.replace("/okta/events", "/okta/inline"),
      JSON.stringify(loadInlineFixture("saml").request),
    );
    expect(res.status).toBe(502);
    const ev = await waitFor(() => inlineEvents(l.stdout())[0]);
    expect(ev.exchange.okta).toMatch(/^Okta sends the original assertion: connection refused/);
    expect(query(db, "SELECT forward_state FROM deliveries")).toEqual([
      { forward_state: "failed" },
    ]);
  });

  it("no plaintext password or OTP in the database file, its WAL or any output", async () => {
    const { db, env } = cliHome();
    const password = "Xq7!plaintext-Pa55word";
    const otp = "730146";
    // the app echoes what it got into debugContext: that copy must be masked too
    const app = await startServer((r, res) => {
      const req = JSON.parse(r.body.toString());
      const echo = req.data.context.credential?.password ?? req.data.messageProfile?.msgTemplate;
      const commands = req.data.messageProfile
        ? [{ type: "com.okta.telephony.action", value: [{ status: "SUCCESSFUL" }] }]
        : [{ type: "com.okta.action.update", value: { credential: "VERIFIED" } }];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ commands, debugContext: { echo } }));
    });
    const l = await startListen(["--db", db, "--inline-to", app.origin], env);
    const inlineUrl = l.hookUrl.replace("/okta/events", "/okta/inline");
    const pw = structuredClone(loadInlineFixture("password-import").request) as {
      data: { context: { credential: { password: string } } };
    };
    pw.data.context.credential.password = password;
    const tel = structuredClone(loadInlineFixture("telephony").request) as {
      data: { messageProfile: Record<string, string> };
    };
    tel.data.messageProfile.otpCode = otp;
    tel.data.messageProfile.msgTemplate = `Your code is ${otp}`;
    for (const body of [pw, tel])
      expect((await call(inlineUrl, JSON.stringify(body))).status).toBe(200);
    await waitFor(() => inlineEvents(l.stdout()).length === 2);
    expect(app.received.map((r) => r.body.toString()).join()).toContain(password); // the app gets it
    const ids = inlineEvents(l.stdout()).map((e) => e.exchange.deliveryId);
    const show = await runCli(["show", ids[0]!, "--json", "--db", db], env);
    const list = await runCli(["deliveries", "--json", "--db", db], env);
    for (const secret of [password, otp]) {
      expect(dbFilesContain(db, secret), secret).toBe(false);
      expect(l.stdout() + l.stderr() + show.stdout + list.stdout).not.toContain(secret);
    }
    expect(
      query(
        db,
        "SELECT json_extract(body, '$.data.messageProfile.msgTemplate') AS t FROM deliveries WHERE first_event_type = 'com.okta.telephony.provider'",
      ),
    ).toEqual([{ t: "Your code is ******" }]);
    await l.stop();
    for (const secret of [password, otp]) expect(dbFilesContain(db, secret), secret).toBe(false);
  });

  it("replay re-sends a stored request (the masked password given again with --set) and shows the new answer beside the old", async () => {
    const { db, env } = cliHome();
    let n = 0;
    const app = await startServer((r, res) => {
      n++;
      // first VERIFIED; then the mistake of Okta's own examples
      const type = n === 1 ? "com.okta.action.update" : "com.action.update";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          commands: [{ type, value: { credential: "VERIFIED" } }],
          debugContext: { got: JSON.parse(r.body.toString()).data.context.credential.password },
        }),
      );
    });
    const l = await startListen(["--db", db, "--inline-to", app.origin], env);
    const body = JSON.stringify(loadInlineFixture("password-import").request);
    expect((await call(l.hookUrl.replace("/okta/events", "/okta/inline"), body)).status).toBe(200);
    const ev = await waitFor(() => inlineEvents(l.stdout())[0]);
    await l.stop();
    const id = ev.exchange.deliveryId;
    const missing = await runCli(["replay", id, "--db", db], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `okhook never stores the password of a request; give it again: okhook replay ${id} --set data.context.credential.password=<the password>`,
    );
    const again = "N3w-pa55word-given-again";
    const r = await runCli(
      ["replay", id, "--db", db, "--set", `data.context.credential.password=${again}`],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /verdict changed[\s\S]*before:[\s\S]*APPLIED Okta signs the user in[\s\S]*now:[\s\S]*NOT APPLIED The hook fails, so sign-in fails.*unknown command type "com.action.update"/,
    );
    expect(JSON.parse(app.received[1]!.body.toString()).data.context.credential.password).toBe(
      again,
    );
    expect(dbFilesContain(db, again)).toBe(false);
    expect(query(db, "SELECT kind FROM inline_exchanges ORDER BY id")).toEqual([
      { kind: "relay" },
      { kind: "replay" },
    ]);
  });
});
