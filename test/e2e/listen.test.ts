import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliHome, jsonEvents, killAll, runCli, startCli, startListen } from "../helpers/cli.js";
import { dbFilesContain, query } from "../helpers/db.js";
import { envelope, logEvent, post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

describe("okhook listen: receiving", () => {
  it("answers Okta's verification GET exactly and logs it", async () => {
    const { db, env } = cliHome();
    const l = await startListen(["--db", db], env);
    const res = await fetch(l.hookUrl, {
      headers: { "x-okta-verification-challenge": "c-9f2e", "user-agent": "Okta-Integrations" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe('{"verification":"c-9f2e"}');
    await waitFor(() => jsonEvents(l.stdout()).some((e) => e.type === "delivery"));
    expect(query(db, "SELECT kind, status FROM deliveries")).toEqual([
      { kind: "verification", status: 200 },
    ]);
  });

  it("stores a 2-event delivery byte for byte, acknowledges, then forwards it with x-okhook headers", async () => {
    const { db, env } = cliHome();
    const target = await startTarget();
    const l = await startListen(
      ["--db", db, "--forward-to", target.url, "--secret", "hunter2-secret"],
      env,
    );
    const { body, uuids } = twoEventDelivery();
    const res = await post(l.hookUrl, body, {
      authorization: "hunter2-secret",
      "x-okta-request-id": "req-1",
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
    const [row] = query<{ id: string; body: Buffer; event_count: number; seq: number }>(
      db,
      "SELECT * FROM deliveries",
    );
    expect(row!.body.equals(body)).toBe(true);
    expect(query(db, "SELECT uuid, event_type FROM events ORDER BY idx")).toEqual([
      { uuid: uuids[0], event_type: "user.lifecycle.create" },
      { uuid: uuids[1], event_type: "group.user_membership.add" },
    ]);
    const got = await waitFor(() => target.posts()[0]);
    expect(got.body.equals(body)).toBe(true);
    expect(got.headers).toMatchObject({
      "content-type": "application/json",
      authorization: "hunter2-secret",
      "x-okta-request-id": "req-1",
      "x-okhook-delivery-id": row!.id,
      "x-okhook-attempt": "1",
      "x-okhook-replay": "false",
    });
    expect(got.headers["x-okhook-original-received-at"]).toMatch(/^\d{4}-\d\d-\d\dT/);
    await waitFor(
      () => query(db, "SELECT 1 FROM deliveries WHERE forward_state = 'forwarded'").length === 1,
    );
    expect(query(db, "SELECT target, attempt, status FROM attempts")).toEqual([
      { target: target.url, attempt: 1, status: 200 },
    ]);
  });

  it("acknowledges in well under a second while the forward takes 30 s (forwarding never delays the 200)", async () => {
    const { db, env } = cliHome();
    const target = await startTarget("/hook", () => ({ status: 200, delayMs: 30_000 }));
    const l = await startListen(["--db", db, "--forward-to", target.url], env);
    await waitFor(() => jsonEvents(l.stdout()).some((e) => e.type === "target"));
    const res = await post(l.hookUrl, twoEventDelivery().body);
    expect(res.status).toBe(200);
    // An ack that waited for the forward would take 10 s (the forward timeout) or 30 s.
    expect(res.ms).toBeLessThan(2_000);
    await waitFor(() => target.posts().length === 1);
    expect(query(db, "SELECT forward_state FROM deliveries")).toEqual([
      { forward_state: "pending" },
    ]);
  });

  it("rejects a missing or wrong secret with 401, stores it as rejected, never stores or prints the secret", async () => {
    const { db, env } = cliHome();
    const secret = "Zq8-very-secret-value-42";
    const l = await startListen(["--db", db, "--secret", secret], env);
    expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(401);
    expect(
      (await post(l.hookUrl, twoEventDelivery().body, { authorization: "wrong" })).status,
    ).toBe(401);
    expect((await post(l.hookUrl, twoEventDelivery().body, { authorization: secret })).status).toBe(
      200,
    );
    const rows = query<{ kind: string; auth: string; headers: string }>(
      db,
      "SELECT kind, auth, headers FROM deliveries ORDER BY seq",
    );
    expect(rows.map((r) => [r.kind, r.auth])).toEqual([
      ["rejected", "missing"],
      ["rejected", "wrong"],
      ["delivery", "ok"],
    ]);
    expect(rows[2]!.headers).toContain("[redacted]");
    await l.stop();
    expect(dbFilesContain(db, secret)).toBe(false);
    expect(l.stdout() + l.stderr()).not.toContain(secret);
  });

  it("classifies and stores bad input: 400, 400, 413, 405, 404", async () => {
    const { db, env } = cliHome();
    const l = await startListen(["--db", db, "--max-body", "2048"], env);
    const base = l.hookUrl.replace("/okta/events", "");
    expect((await post(l.hookUrl, "not json")).status).toBe(400);
    expect((await post(l.hookUrl, '{"data":{"nope":1}}')).status).toBe(400);
    expect(
      (
        await post(
          l.hookUrl,
          envelope([logEvent("user.lifecycle.create"), { pad: "x".repeat(4000) }]),
        )
      ).status,
    ).toBe(413);
    expect((await fetch(l.hookUrl, { method: "DELETE" })).status).toBe(405);
    expect((await fetch(`${base}/wp-admin`)).status).toBe(404);
    expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
    const rows = query<{ kind: string; status: number; body: Buffer | null; size: number }>(
      db,
      "SELECT kind, status, body, size FROM deliveries ORDER BY seq",
    );
    expect(rows.map((r) => [r.kind, r.status])).toEqual([
      ["invalid", 400],
      ["invalid", 400],
      ["too_large", 413],
      ["method_not_allowed", 405],
      ["not_found", 404],
      ["delivery", 200],
    ]);
    expect(rows[0]!.body!.toString()).toBe("not json");
    expect(rows[2]!.body).toBeNull();
    expect(rows[2]!.size).toBeGreaterThan(2048);
  });

  it("flags an event uuid received twice as a duplicate", async () => {
    const { db, env } = cliHome();
    const l = await startListen(["--db", db], env);
    const e = logEvent("user.lifecycle.deactivate");
    await post(l.hookUrl, envelope([e]));
    await post(l.hookUrl, envelope([e, logEvent("user.lifecycle.activate")]));
    expect(query(db, "SELECT duplicate_count FROM deliveries ORDER BY seq")).toEqual([
      { duplicate_count: 0 },
      { duplicate_count: 1 },
    ]);
    expect(query(db, "SELECT duplicate FROM events ORDER BY delivery_seq, idx")).toEqual([
      { duplicate: 0 },
      { duplicate: 1 },
      { duplicate: 0 },
    ]);
  });

  it("exits 4 with one line when the port is taken, 2 on a bad --forward-to", async () => {
    const { db, env } = cliHome();
    const l = await startListen(["--db", db], env);
    const taken = await runCli(
      [
        "listen",
        "--tunnel",
        "none",
        "--port",
        String(l.port),
        "--db",
        join(tmpDir(), "x.db"),
        "--output",
        "compact",
      ],
      env,
    );
    expect(taken.code).toBe(4);
    expect(taken.stderr.trim().split("\n")).toHaveLength(1);
    expect(taken.stderr).toMatch(new RegExp(`--port ${l.port}: .*already in use`));
    // tunneled (a secret would be generated): refused at start, it leaves no secrets file
    const fresh = join(tmpDir(), "y.db");
    const tunneled = await runCli(
      ["listen", "--port", String(l.port), "--db", fresh, "--output", "compact"],
      { ...env, OKHOOK_CLOUDFLARED: join(tmpDir(), "no-cloudflared") },
    );
    expect(tunneled.code).toBe(4);
    expect(existsSync(`${fresh}.secrets.json`)).toBe(false);
    const bad = await runCli(
      ["listen", "--tunnel", "none", "--forward-to", "htp:/localhost", "--db", db],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'okhook: --forward-to "htp:/localhost": not an http(s) URL (try http://localhost:3000/hooks, localhost:3000/hooks or 3000)\n',
    );
  });

  it("prints one compact line per delivery and exits 0 on SIGINT with the DB closed", async () => {
    const { db, env } = cliHome();
    const target = await startTarget();
    const p = startCli(
      [
        "listen",
        "--tunnel",
        "none",
        "--port",
        "0",
        "--db",
        db,
        "--output",
        "compact",
        "--forward-to",
        target.url,
      ],
      env,
    );
    const m = await p.waitOut(/Hook URL\s+(http:\S+)/);
    await p.waitOut(/target .* is up/);
    await post(m[1]!, twoEventDelivery().body);
    const line = await p.waitOut(/^.*user\.lifecycle\.create \+1.*$/m);
    expect(line[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3}\s+[0-9a-z]{8}\s+delivery\s+user\.lifecycle\.create \+1\s+no auth\s+200\s+ack [\d.]+ms\s+→ forwarding$/,
    );
    // the forward outcome follows on its own line, stamped when it ended: time order holds
    const id = line[0].split(/\s+/)[1]!;
    const done = await p.waitOut(
      new RegExp(`^(\\S+)\\s+${id}\\s+↳ forwarded 200 in [\\d.]+m?s → `, "m"),
    );
    expect(done[1]! >= line[0].slice(0, 12)).toBe(true);
    expect(await p.stop("SIGINT")).toBe(0);
    expect(existsSync(`${db}-wal`)).toBe(false);
    expect(statSync(db).mode & 0o777).toBe(0o600);
    expect(query(db, "SELECT COUNT(*) AS n FROM deliveries")).toEqual([{ n: 1 }]);
  });
});
