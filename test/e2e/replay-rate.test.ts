import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, killAll, runCli } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { closeStores, tempStore } from "../helpers/seed-store.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { seed } from "../replay/seed.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  closeStores();
  cleanupTmp();
});

const COUNT = 1000;
const RATE_PER_S = 200;

describe("okhook replay at scale", () => {
  it("1,000 deliveries with --concurrency 8 --rate 200: all sent, rate kept, every attempt stored", async () => {
    const home = tmpDir();
    const { store, file: db } = tempStore(join(home, "okhook.db"));
    const ids = seed(store, COUNT).map((d) => d.id);
    store.close();
    const target = await startTarget();
    const unconfirmed = await runCli(
      ["replay", "--since", "1h", "--to", target.url, "--db", db],
      cliEnv(home),
    );
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/1000 deliveries selected \(more than 100\): pass --yes/);
    expect(target.received).toHaveLength(0);

    const r = await runCli(
      [
        "replay",
        "--all",
        "--yes",
        "--to",
        target.url,
        "--concurrency",
        "8",
        "--rate",
        String(RATE_PER_S),
        "--json",
        "--db",
        db,
      ],
      cliEnv(home),
    );

    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(COUNT);
    expect(lines.every((l) => (JSON.parse(l) as { ok: boolean }).ok)).toBe(true);
    expect(new Set(target.posts().map((p) => p.headers["x-okhook-replay-of"]))).toEqual(
      new Set(ids),
    );
    const attempts = query<{ started_at: number }>(
      db,
      "SELECT started_at FROM attempts WHERE kind = 'replay' AND status = 200 ORDER BY started_at",
    );
    expect(attempts).toHaveLength(COUNT);
    // Starts are spaced 1/rate apart, so 1,000 of them span at least (1000/200 − 1) s.
    const spanMs = attempts[COUNT - 1]!.started_at - attempts[0]!.started_at;
    expect(spanMs).toBeGreaterThanOrEqual((COUNT / RATE_PER_S - 1) * 1000);
  });
});
