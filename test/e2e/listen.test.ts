import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliHome, jsonEvents, killAll, runCli, startCli, startListen } from "../helpers/cli.js";
import { dbFilesContain, query } from "../helpers/db.js";
import { envelope, logEvent, post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

describe("okhook listen", () => {
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

  it("retries a 500 then succeeds, storing both attempts", async () => {
    const { db, env } = cliHome();
    const target = await startTarget("/hook", (_r, n) => ({
      status: n === 1 ? 500 : 200,
      body: n === 1 ? "boom" : "ok",
    }));
    const l = await startListen(
      ["--db", db, "--forward-to", target.url, "--retry-delay", "20"],
      env,
    );
    await post(l.hookUrl, twoEventDelivery().body);
    await waitFor(
      () => query(db, "SELECT 1 FROM deliveries WHERE forward_state = 'forwarded'").length === 1,
    );
    expect(
      query(db, "SELECT attempt, status, response FROM attempts ORDER BY id").map((a) => ({
        ...a,
        response: String(a.response),
      })),
    ).toEqual([
      { attempt: 1, status: 500, response: "boom" },
      { attempt: 2, status: 200, response: "ok" },
    ]);
    // The retry says when it goes out (backoff from --retry-delay, with jitter).
    const retry = jsonEvents(l.stdout()).find(
      (e) => e.type === "forward" && (e.outcome as { next: string }).next === "retry",
    );
    expect(retry).toBeDefined();
    expect((retry!.outcome as { retryInMs?: number }).retryInMs).toBeGreaterThan(0);
  });

  it("forwards other deliveries while failed ones wait for their retry; after Ctrl+C the next listen forwards those once", async () => {
    const { db, env } = cliHome();
    // the first attempt of a "deactivate" delivery gets a 500; everything else succeeds
    const target = await startTarget("/hook", (r) => ({
      status:
        r.headers["x-okhook-attempt"] === "1" && r.body.includes("user.lifecycle.deactivate")
          ? 500
          : 200,
    }));
    // a retry this far away never comes during the first run
    const l = await startListen(
      ["--db", db, "--forward-to", target.url, "--retry-delay", "60000"],
      env,
    );
    // more failing deliveries than the 8 concurrency slots per target, received first
    for (let i = 0; i < 10; i++) {
      await post(l.hookUrl, envelope([logEvent("user.lifecycle.deactivate")]));
    }
    for (let i = 0; i < 5; i++)
      await post(l.hookUrl, envelope([logEvent("user.lifecycle.create")]));
    const retries = () =>
      jsonEvents(l.stdout()).filter(
        (e) => e.type === "forward" && (e.outcome as { next: string }).next === "retry",
      ).length;
    const states = (): Record<string, number> =>
      Object.fromEntries(
        query<{ s: string; n: number }>(
          db,
          "SELECT forward_state AS s, COUNT(*) AS n FROM deliveries GROUP BY s",
        ).map((r) => [r.s, r.n]),
      );
    await waitFor(() => retries() === 10 && states().forwarded === 5, {
      what: "the 5 good deliveries forwarded while the 10 failed ones wait for their retry",
    });
    expect(target.posts().filter((p) => p.headers["x-okhook-attempt"] !== "1")).toEqual([]);

    expect(await l.stop("SIGINT")).toBe(0);
    expect(states()).toEqual({ forwarded: 5, pending: 10 });
    expect(
      query(db, "SELECT attempt, status, COUNT(*) AS n FROM attempts GROUP BY attempt, status"),
    ).toEqual([
      { attempt: 1, status: 200, n: 5 },
      { attempt: 1, status: 500, n: 10 },
    ]);

    const l2 = await startListen(["--db", db, "--forward-to", target.url], env);
    await waitFor(() => states().forwarded === 15, { what: "the resumed deliveries forwarded" });
    expect(await l2.stop("SIGINT")).toBe(0);
    const sends = new Map<string, string[]>();
    for (const p of target.posts()) {
      const id = String(p.headers["x-okhook-delivery-id"]);
      sends.set(id, [...(sends.get(id) ?? []), String(p.headers["x-okhook-attempt"])]);
    }
    expect([...sends.values()].map((a) => a.join(",")).sort()).toEqual([
      ...Array(5).fill("1"),
      ...Array(10).fill("1,2"),
    ]);
    expect(
      query(db, "SELECT attempt, status, COUNT(*) AS n FROM attempts GROUP BY attempt, status"),
    ).toEqual([
      { attempt: 1, status: 200, n: 5 },
      { attempt: 1, status: 500, n: 10 },
      { attempt: 2, status: 200, n: 10 },
    ]);
  });

  it("holds deliveries while the target is down, keeps serving, and forwards them when it is back", async () => {
    const { db, env } = cliHome();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    const l = await startListen(["--db", db, "--forward-to", url, "--health-interval", "100"], env);
    await waitFor(() =>
      jsonEvents(l.stdout()).some((e) => e.type === "target" && e.health === "down"),
    );
    const { body } = twoEventDelivery();
    expect((await post(l.hookUrl, body)).status).toBe(200);
    expect(query(db, "SELECT forward_state FROM deliveries")).toEqual([
      { forward_state: "pending" },
    ]);
    const v = await fetch(l.hookUrl, {
      headers: { "x-okta-verification-challenge": "still-alive" },
    });
    expect(v.status).toBe(200);
    const target = await startTarget("/hook", undefined, port);
    await waitFor(
      () => query(db, "SELECT 1 FROM deliveries WHERE forward_state = 'forwarded'").length === 1,
    );
    expect(target.posts()).toHaveLength(1);
    expect(target.posts()[0]!.body.equals(body)).toBe(true);
    expect(jsonEvents(l.stdout()).some((e) => e.type === "target" && e.health === "up")).toBe(true);
  });

  it("when the target goes away mid-run, retries, then parks the delivery as pending; the next listen forwards it once", async () => {
    const { db, env } = cliHome();
    const target = await startTarget();
    const port = Number(new URL(target.url).port);
    const args = ["--db", db, "--forward-to", target.url, "--retry-delay", "10", "--retries", "2"];
    const l = await startListen(args, env);
    await waitFor(() =>
      jsonEvents(l.stdout()).some((e) => e.type === "target" && e.health === "up"),
    );
    await target.close();
    expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
    await waitFor(() =>
      jsonEvents(l.stdout()).some(
        (e) => e.type === "forward" && (e.outcome as { next: string }).next === "parked",
      ),
    );
    const attempts = query<{ attempt: number; error: string }>(
      db,
      "SELECT attempt, error FROM attempts ORDER BY id",
    );
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[0]!.error).toMatch(/connection refused \(127\.0\.0\.1:\d+\)/);
    // The app was never reached: not "failed" (that is for answers like 5xx), still to forward.
    expect(query(db, "SELECT forward_state FROM deliveries")).toEqual([
      { forward_state: "pending" },
    ]);
    expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
    expect(query(db, "SELECT COUNT(*) AS n FROM deliveries")).toEqual([{ n: 2 }]);
    expect(await l.stop()).toBe(0);

    const back = await startTarget("/hook", undefined, port);
    const again = await startListen(args, env);
    await waitFor(
      () => query(db, "SELECT 1 FROM deliveries WHERE forward_state = 'forwarded'").length === 2,
      { what: "both parked deliveries forwarded by the next listen" },
    );
    expect(back.posts()).toHaveLength(2);
    expect(
      back
        .posts()
        .map((p) => p.headers["x-okhook-attempt"])
        .sort(),
    ).toEqual(["1", "4"]);
    expect(await again.stop()).toBe(0);
  });

  it("when the app stops during a burst, stops after 3 refused attempts, queues the rest untried, and forwards all once a probe sees it back", async () => {
    const { db, env } = cliHome();
    const target = await startTarget();
    const port = target.port;
    // the default --health-interval (15 s): only the quick first probes bring the app back in time
    const l = await startListen(
      ["--db", db, "--forward-to", target.url, "--retries", "8", "--retry-delay", "10"],
      env,
    );
    const events = () => jsonEvents(l.stdout());
    const health = () => events().flatMap((e) => (e.type === "target" ? [e.health] : []));
    await waitFor(() => health().includes("up"));
    await target.close();
    const burst = 20;
    for (let i = 0; i < burst; i++) {
      expect((await post(l.hookUrl, envelope([logEvent("user.lifecycle.create")]))).status).toBe(
        200,
      );
    }
    const parked = () =>
      new Set(
        events().flatMap((e) => {
          const o = e.outcome as { seq: number; next: string } | undefined;
          return e.type === "forward" && o?.next === "parked" ? [o.seq] : [];
        }),
      );
    await waitFor(() => parked().size === burst, { what: "every delivery queued (target down)" });
    expect(health()).toEqual(["up", "down"]);
    const refused = query<{ error: string }>(db, "SELECT error FROM attempts");
    // 3 in a row mark it down; only attempts already in flight then (8 slots) can add to them.
    // Before, each delivery made its 9 attempts until one of them ran out of retries.
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused.length).toBeLessThanOrEqual(3 + 7);
    for (const a of refused) expect(a.error).toMatch(/^connection refused/);
    expect(
      query(db, "SELECT forward_state AS s, COUNT(*) AS n FROM deliveries GROUP BY s"),
    ).toEqual([{ s: "pending", n: burst }]);

    const back = await startTarget("/hook", undefined, port);
    await waitFor(
      () =>
        query(db, "SELECT 1 FROM deliveries WHERE forward_state = 'forwarded'").length === burst,
      { timeoutMs: 5000, what: "the queued burst forwarded after the first probes" },
    );
    expect(health()).toEqual(["up", "down", "up"]);
    const ids = back.posts().map((p) => p.headers["x-okhook-delivery-id"]);
    expect(ids).toHaveLength(burst);
    expect(new Set(ids).size).toBe(burst);
    expect(await l.stop()).toBe(0);
  });

  it("marks a delivery failed when the target keeps answering 503", async () => {
    const { db, env } = cliHome();
    const target = await startTarget("/hook", () => ({ status: 503 }));
    const l = await startListen(
      ["--db", db, "--forward-to", target.url, "--retry-delay", "10", "--retries", "1"],
      env,
    );
    await post(l.hookUrl, twoEventDelivery().body);
    await waitFor(
      () =>
        query(
          db,
          "SELECT 1 FROM deliveries WHERE forward_state = 'failed' AND forward_status = 503",
        ).length === 1,
    );
    expect(target.posts()).toHaveLength(2);
  });

  it("forwards exactly once after being killed between ack and forward", async () => {
    const { db, env } = cliHome();
    const target = await startTarget("/hook");
    const port = await freePort();
    const l = await startListen(["--db", db, "--forward-to", `http://127.0.0.1:${port}/hook`], env);
    await waitFor(() =>
      jsonEvents(l.stdout()).some((e) => e.type === "target" && e.health === "down"),
    );
    const { body } = twoEventDelivery();
    expect((await post(l.hookUrl, body)).status).toBe(200);
    l.child.kill("SIGKILL");
    await l.exited;
    expect(query(db, "SELECT forward_state FROM deliveries")).toEqual([
      { forward_state: "pending" },
    ]);
    const l2 = await startListen(["--db", db, "--forward-to", target.url], env);
    await waitFor(
      () => query(db, "SELECT 1 FROM deliveries WHERE forward_state = 'forwarded'").length === 1,
    );
    await l2.stop();
    const l3 = await startListen(["--db", db, "--forward-to", target.url], env);
    await l3.stop();
    expect(target.posts()).toHaveLength(1);
    expect(target.posts()[0]!.body.equals(body)).toBe(true);
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
