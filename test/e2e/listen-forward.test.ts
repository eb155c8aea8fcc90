import { afterEach, describe, expect, it } from "vitest";
import { cliHome, jsonEvents, killAll, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { envelope, logEvent, post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

describe("okhook listen: forwarding", () => {
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
});
