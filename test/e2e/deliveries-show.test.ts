import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, killAll, runCli, runSh, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { envelope, logEvent, post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

describe("okhook deliveries / show", () => {
  it("lists, filters and round-trips what was stored as JSON", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home);
    const target = await startTarget();
    const l = await startListen(["--db", db, "--forward-to", target.url], env);
    const { body, uuids } = twoEventDelivery();
    await post(l.hookUrl, body, { "x-okta-request-id": "rq-77" });
    await post(l.hookUrl, "garbage");
    await post(l.hookUrl, envelope([logEvent("group.lifecycle.create")]));
    await waitFor(
      () => query(db, "SELECT 1 FROM deliveries WHERE forward_state = 'forwarded'").length === 2,
    );
    await l.stop();

    const list = await runCli(["deliveries", "--db", db, "--json"], env);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as {
      id: string;
      shortId: string;
      kind: string;
      eventCount: number;
      forwardState: string;
    }[];
    expect(rows.map((r) => r.kind)).toEqual(["delivery", "invalid", "delivery"]);
    const first = rows[2]!;
    expect(first).toMatchObject({ eventCount: 2, forwardState: "forwarded" });

    const filtered = await runCli(
      ["deliveries", "--db", db, "--json", "--event-type", "group.lifecycle.*"],
      env,
    );
    expect((JSON.parse(filtered.stdout) as unknown[]).length).toBe(1);
    const invalid = await runCli(["deliveries", "--db", db, "--json", "--status", "invalid"], env);
    expect((JSON.parse(invalid.stdout) as unknown[]).length).toBe(1);
    const table = await runCli(["deliveries", "--db", db], env);
    expect(table.stdout).toContain(first.shortId);
    expect(table.stdout).toMatch(/user\.lifecycle\.create \+1/);

    const shown = await runCli(["show", first.shortId, "--db", db, "--json"], env);
    expect(shown.code).toBe(0);
    const doc = JSON.parse(shown.stdout) as {
      id: string;
      body: string;
      payload: unknown;
      events: { uuid: string }[];
      attempts: { status: number }[];
      headers: [string, string][];
    };
    expect(doc.id).toBe(first.id);
    expect(Buffer.from(doc.body).equals(body)).toBe(true);
    expect(doc.payload).toEqual(JSON.parse(body.toString()));
    expect(doc.events.map((e) => e.uuid)).toEqual(uuids);
    expect(doc.attempts.map((a) => a.status)).toEqual([200]);
    expect(doc.headers).toContainEqual(["x-okta-request-id", "rq-77"]);

    // Every id form a list or `show` prints resolves, in any case: a prefix of the short id too.
    for (const ref of [first.shortId.slice(0, 5).toUpperCase(), first.id.toUpperCase()]) {
      const r = await runCli(["show", ref, "--db", db, "--json"], env);
      expect(r.code, `${ref}: ${r.stderr}`).toBe(0);
      expect((JSON.parse(r.stdout) as { id: string }).id).toBe(first.id);
    }

    const byEvent = await runCli(["show", uuids[1]!, "--db", db, "--json"], env);
    expect((JSON.parse(byEvent.stdout) as { id: string }).id).toBe(first.id);
    const raw = await runCli(["show", first.id, "--db", db, "--body"], env);
    expect(raw.stdout).toBe(body.toString());
    const text = await runCli(["show", first.id, "--db", db], env);
    expect(text.stdout).toMatch(/Events \(2\)/);
    expect(text.stdout).toMatch(/#1 forward .* 200/);
  });

  it("--status with a comma list lists rows matching any of its values, across categories", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home);
    const target = await startTarget();
    const secret = "status-or-secret";
    const l = await startListen(["--db", db, "--secret", secret, "--forward-to", target.url], env);
    expect((await post(l.hookUrl, twoEventDelivery().body, { authorization: secret })).status).toBe(
      200,
    );
    expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(401);
    expect((await post(l.hookUrl, "garbage", { authorization: secret })).status).toBe(400);
    await waitFor(
      () => query(db, "SELECT 1 FROM deliveries WHERE forward_state = 'forwarded'").length === 1,
    );
    await l.stop();
    const kinds = async (status: string) => {
      const r = await runCli(["deliveries", "--db", db, "--json", "--status", status], env);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { kind: string; forwardState: string }[]).map(
        (d) => `${d.kind}/${d.forwardState}`,
      );
    };
    expect(await kinds("rejected,forwarded")).toEqual(["rejected/none", "delivery/forwarded"]);
    expect(await kinds("401, Forwarded")).toEqual(["rejected/none", "delivery/forwarded"]);
    expect(await kinds("invalid,rejected")).toEqual(["invalid/none", "rejected/none"]);
    expect(await kinds("forwarded")).toEqual(["delivery/forwarded"]);
    expect(await kinds("failed,pending")).toEqual([]);
  });

  it("prints a curl command that re-sends the delivery, with the secret from $OKHOOK_SECRET", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const secret = "curl-secret-'quoted'-value";
    const env = cliEnv(home);
    const l = await startListen(["--db", db, "--secret", secret], env);
    const e = logEvent("user.account.lock");
    (e as { displayMessage: string }).displayMessage = "it's got 'quotes' and $dollars";
    const body = envelope([e]);
    expect((await post(l.hookUrl, body, { authorization: secret })).status).toBe(200);
    const id = query<{ id: string }>(db, "SELECT id FROM deliveries")[0]!.id;
    const curl = await runCli(["show", id, "--db", db, "--curl"], env);
    expect(curl.code).toBe(0);
    expect(curl.stdout).not.toContain(secret);
    expect(curl.stdout).toContain("OKHOOK_SECRET");
    expect(await runSh(curl.stdout, { ...env, OKHOOK_SECRET: secret })).toBe(0);
    await waitFor(() => query(db, "SELECT 1 FROM deliveries").length === 2);
    const rows = query<{ body: Buffer; auth: string; duplicate_count: number }>(
      db,
      "SELECT body, auth, duplicate_count FROM deliveries ORDER BY seq",
    );
    expect(rows[1]!.body.equals(body)).toBe(true);
    expect(rows[1]!.auth).toBe("ok");
    expect(rows[1]!.duplicate_count).toBe(1);
  });

  it("explains unknown ids, bad flags and missing databases with the right exit codes", async () => {
    const home = tmpDir();
    const env = cliEnv(home);
    const empty = await runCli(["deliveries"], env);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/No deliveries yet/);
    const missing = await runCli(["deliveries", "--db", join(home, "nope.db")], env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^okhook: --db .*nope\.db: no such database/);
    const db = join(home, "okhook.db");
    const l = await startListen(["--db", db], env);
    await post(l.hookUrl, twoEventDelivery().body);
    await l.stop();
    const unknown = await runCli(["show", "zzzzzzzz", "--db", db], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/"zzzzzzzz": no delivery or event with that id/);
    const badStatus = await runCli(["deliveries", "--db", db, "--status", "weird"], env);
    expect(badStatus.code).toBe(2);
    const badSince = await runCli(["deliveries", "--db", db, "--since", "yesterday"], env);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toMatch(/--since "yesterday": not a duration or ISO time/);
    const unknownFlag = await runCli(["deliveries", "--bogus"], env);
    expect(unknownFlag.code).toBe(2);
  });
});
