import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, jsonEvents, killAll, startCli, startListen } from "../helpers/cli.js";
import { post, twoEventDelivery } from "../helpers/payload.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

const SECRET = "stop-note-secret";

describe("okhook listen: what Ctrl+C leaves behind", () => {
  it("says how many deliveries wait and that the next listen forwards them, which it does", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home);
    const port = await freePort();
    const down = `http://127.0.0.1:${port}/hook`;
    const args = ["--db", db, "--secret", SECRET, "--forward-to", down];
    const first = startCli(
      ["listen", "--tunnel", "none", "--port", "0", "--output", "compact", ...args],
      env,
    );
    const m = await first.waitOut(/Hook URL\s+(http:\/\/\S+)/);
    expect((await post(m[1]!, twoEventDelivery().body, { authorization: SECRET })).status).toBe(
      200,
    );
    await first.waitOut(/target \S+ is down/);
    expect(await first.stop("SIGINT")).toBe(0);
    expect(first.stdout()).toContain(
      "Stopped. Everything received is in the database. 1 delivery waits to be forwarded: the next okhook listen on this database forwards them.",
    );

    const target = await startTarget("/hook", undefined, port);
    const second = await startListen(args, env);
    await waitFor(() => target.posts().length === 1, { what: "the waiting delivery forwarded" });
    await second.waitOut(/"type":"forward"/);
    expect(await second.stop("SIGINT")).toBe(0);
    expect(jsonEvents(second.stdout()).find((e) => e.type === "stopped")).toMatchObject({
      pending: 0,
    });
  });

  it("a second Ctrl+C names only what this listen leaves behind (no tunnel, no hook here)", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    // the app holds the forward, so the first Ctrl+C's shutdown waits on it
    const target = await startTarget("/hook", () => ({ status: 200, delayMs: 30_000 }));
    const l = startCli(
      ["listen", "--tunnel", "none", "--port", "0", "--output", "compact", "--db", db].concat([
        "--secret",
        SECRET,
        "--forward-to",
        target.url,
      ]),
      cliEnv(home),
    );
    const m = await l.waitOut(/Hook URL\s+(http:\/\/\S+)/);
    await post(m[1]!, twoEventDelivery().body, { authorization: SECRET });
    await waitFor(() => target.posts().length === 1, { what: "the forward to reach the app" });
    l.child.kill("SIGINT");
    await l.waitOut(/Stopping/);
    l.child.kill("SIGINT");
    expect(await l.exited).toBe(130);
    expect(l.stderr()).toContain(
      "okhook: second Ctrl+C: quit without finishing the shutdown (1 stored delivery waits to be forwarded by the next okhook listen)",
    );
  });
});
