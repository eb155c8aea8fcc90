import { afterEach, describe, expect, it } from "vitest";
import { cliHome, jsonEvents, killAll, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

/** Slower than Okta's 3 s and than the 2 s a health probe used to wait, far within --forward-timeout. */
const SLOW_APP_MS = 3500;

const forwarded = (db: string) =>
  query<{ n: number }>(
    db,
    "SELECT COUNT(*) AS n FROM deliveries WHERE forward_state = 'forwarded'",
  )[0]!.n;

describe("listen: target health as the app sees it", () => {
  it("forwards to an app that takes 3.5 s to answer (its probe too), flags it slow and never calls it down", async () => {
    const { db, env } = cliHome();
    const app = await startTarget(
      "/hook",
      () => ({ status: 200, delayMs: SLOW_APP_MS }),
      0,
      SLOW_APP_MS,
    );
    const l = await startListen(["--db", db, "--forward-to", app.url], env);
    const health = () =>
      jsonEvents(l.stdout()).flatMap((e) => (e.type === "target" ? [e.health] : []));
    // the start probe's verdict: up once its 3.5 s answer came (before: down after 2 s)
    await waitFor(() => health().length > 0, { timeoutMs: 12_000, what: "the start probe" });
    expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
    await waitFor(() => forwarded(db) === 1, {
      timeoutMs: 15_000,
      what: "the delivery forwarded to the slow app",
    });
    expect(health()).toEqual(["up"]);
    expect(query(db, "SELECT attempt, status, slow FROM attempts")).toEqual([
      { attempt: 1, status: 200, slow: 1 },
    ]);
    const outcome = jsonEvents(l.stdout()).find((e) => e.type === "forward")?.outcome;
    expect(outcome).toMatchObject({ next: "forwarded", slow: true });
    expect(await l.stop()).toBe(0);
  });

  it("gives a restarted app its waiting delivery within a second or two, even after 8 s down (default --health-interval)", async () => {
    const { db, env } = cliHome();
    const app = await startTarget();
    const l = await startListen(["--db", db, "--forward-to", app.url, "--retry-delay", "10"], env);
    const health = () =>
      jsonEvents(l.stdout()).flatMap((e) => (e.type === "target" ? [e.health] : []));
    await waitFor(() => health().includes("up"), { what: "the app seen up" });
    await app.close(); // the app crashes
    expect((await post(l.hookUrl, twoEventDelivery().body)).status).toBe(200);
    await waitFor(() => health().includes("down"), { what: "the app seen down" });
    const downAt = Date.now();
    // The app stays down 8 s: probes backing off 1, 2, 4, 8 s would next look 15 s after it
    // went down. This wait is the scenario (how long the app is away), not a synchronisation.
    await waitFor(() => Date.now() - downAt >= 8000, { timeoutMs: 12_000, what: "8 s of outage" });
    expect(query(db, "SELECT forward_state FROM deliveries")).toEqual([
      { forward_state: "pending" },
    ]);
    const back = await startTarget("/hook", undefined, app.port);
    const backAt = Date.now();
    await waitFor(() => back.posts().length > 0, {
      timeoutMs: 15_000,
      what: "the waiting delivery at the restarted app",
    });
    const lateMs = back.posts()[0]!.at - backAt;
    // README: "a restarted app gets its deliveries within a second or two"
    expect(lateMs).toBeLessThan(2500);
    await waitFor(() => forwarded(db) === 1);
    expect(health()).toEqual(["up", "down", "up"]);
    expect(await l.stop()).toBe(0);
  });
});
