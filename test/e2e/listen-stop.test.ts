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
});
