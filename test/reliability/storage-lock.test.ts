import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { cliHome, killAll, runCli, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { post } from "../helpers/payload.js";
import { startServer } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";
import { cleanups, count, dbWith, holdWriteLock, oneLine } from "./storage-support.js";
import { summary, uniqueDelivery } from "./support.js";

// Apart from storage.test.ts so the two 5 s busy-timeout waits run beside the other suites.

const figures: string[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await killAll();
  cleanupTmp();
});

/** `listen` waits out the busy timeout, then exits 3; reading commands are not blocked. */
async function lockedAtStart(): Promise<void> {
  {
    const d = await dbWith(3);
    const release = holdWriteLock(d.db);
    const listed = await runCli(["deliveries", "--db", d.db, "--json"], d.env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(3);
    const r = await runCli(
      ["listen", "--tunnel", "none", "--port", "0", "--output", "compact", "--db", d.db],
      d.env,
    );
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toBe(
      `okhook: --db ${d.db}: locked by another process for over 5 s; stop it or pass --db <other file>`,
    );
    release();
    expect(count(d.db)).toBe(3);
    figures.push("locked at start → exit 3 after the 5 s busy timeout");
  }
}

/** A lock held past the busy timeout while a forward completes: a warning, no crash, forwarded after. */
async function lockedDuringForward(): Promise<void> {
  {
    const s = cliHome();
    const held: ServerResponse[] = [];
    const got: string[] = [];
    let hold = true;
    const target = await startServer((req, res) => {
      if (req.method !== "POST") return void res.end();
      got.push(String(req.headers["x-okhook-delivery-id"]));
      if (hold) held.push(res);
      else res.end("ok");
    });
    cleanups.push(target.close);
    const url = `${target.origin}/hook`;
    const l = await startListen(["--db", s.db, "--forward-to", url, "--retry-delay", "20"], s.env);
    expect((await post(l.hookUrl, uniqueDelivery().body)).status).toBe(200);
    await waitFor(() => held.length === 1);
    const release = holdWriteLock(s.db);
    hold = false;
    held[0]!.end("ok"); // the target took it; recording the attempt now waits for the lock
    await waitFor(
      () =>
        /(forwarding delivery #1 paused|could not record a forward attempt): .*locked/.test(
          l.stdout(),
        ),
      {
        timeoutMs: 15_000,
        what: "the forwarder to report the locked database",
      },
    );
    release();
    expect(l.child.exitCode).toBeNull();
    expect((await post(l.hookUrl, uniqueDelivery().body)).status).toBe(200);
    await waitFor(
      () => query(s.db, "SELECT 1 FROM deliveries WHERE forward_state = 'forwarded'").length === 2,
      { what: "both deliveries forwarded after the lock was released" },
    );
    expect(await l.stop()).toBe(0);
    // The target's answer is recorded once the lock is released: sent once, not again.
    expect(got.filter((id) => id === got[0]).length).toBe(1);
    figures.push(
      "lock held during a forward → warning, no crash, recorded once the lock is released",
    );
  }
}

describe("storage faults: the database locked by another process", () => {
  // One test running both scenarios side by side: each mostly waits out the 5 s busy timeout.
  it("exits 3 when locked at start, survives a lock held during a forward; reads are never blocked", async () => {
    await Promise.all([lockedAtStart(), lockedDuringForward()]);
    summary(`storage (locks): ${figures.sort().join("; ")}; nothing already stored lost`);
  });
});
