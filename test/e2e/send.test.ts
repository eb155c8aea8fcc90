import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.js";
import { Store } from "../../src/store/store.js";
import { cliEnv, killAll, runCli, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

const schema = (f: string) =>
  JSON.parse(readFileSync(new URL(`../../schemas/${f}`, import.meta.url), "utf8")) as object;

describe("okhook send / fixtures", () => {
  it("sends a fixture to the running listener, which stores it with its event rows", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home, { OKHOOK_DB: db, OKHOOK_SECRET: "s3cr3t" });
    const l = await startListen(["--secret", "s3cr3t"], env);
    const r = await runCli(
      [
        "send",
        "fixture",
        "user.lifecycle.deactivate",
        "group.user_membership.add",
        "--batch",
        "--json",
      ],
      env,
    );
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim()) as {
      status: number;
      verdict: string;
      events: { uuid: string }[];
    };
    expect(line).toMatchObject({ status: 200, verdict: "accepted" });
    const events = query<{ uuid: string; event_type: string }>(
      db,
      "SELECT uuid, event_type FROM events ORDER BY idx",
    );
    expect(events.map((e) => e.event_type)).toEqual([
      "user.lifecycle.deactivate",
      "group.user_membership.add",
    ]);
    expect(events.map((e) => e.uuid)).toEqual(line.events.map((e) => e.uuid));
    const [row] = query<{ body: Buffer; auth: string; kind: string }>(
      db,
      "SELECT body, auth, kind FROM deliveries",
    );
    expect(row).toMatchObject({ auth: "ok", kind: "fixture" });
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv
      .addFormat("date-time", true)
      .addFormat("uuid", true)
      .addFormat("double", true)
      .addFormat("uri", true);
    ajv.addSchema(schema("okta-logevent.schema.json"));
    const validate = ajv.compile(schema("okta-eventhook-envelope.schema.json"));
    expect(validate(JSON.parse(row!.body.toString())), JSON.stringify(validate.errors)).toBe(true);
    await l.stop();
  });

  it("sends exactly Okta's headers and envelope to any endpoint, fresh ids per send, duplicates on request", async () => {
    const home = tmpDir();
    const target = await startTarget("/okta", (_r, n) => ({ status: n === 2 ? 500 : 204 }));
    const env = cliEnv(home);
    const r = await runCli(
      [
        "send",
        "fixture",
        "user.lifecycle.deactivate",
        "--to",
        target.url,
        "--secret",
        "abc",
        "--count",
        "2",
        "--duplicate",
      ],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✓ 204 .*accepted .*user\.lifecycle\.deactivate/);
    expect(r.stdout).toMatch(/↻ 500 .*would retry/);
    expect(r.stdout).toMatch(/3\/4 accepted/);
    const posts = target.posts();
    expect(posts).toHaveLength(4);
    expect(posts[0]!.headers).toMatchObject({
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": "Okta Hook Service v1.0.0",
      authorization: "abc",
    });
    expect(posts[0]!.headers["x-okta-request-id"]).toMatch(/^[A-Za-z0-9_-]{27}$/);
    const bodies = posts.map(
      (p) =>
        JSON.parse(p.body.toString()) as {
          eventType: string;
          eventId: string;
          data: { events: { uuid: string; _meta?: unknown }[] };
        },
    );
    expect(bodies[0]!.eventType).toBe("com.okta.event_hook");
    expect(bodies[0]!.data.events[0]!._meta).toBeUndefined();
    expect(posts[1]!.body.equals(posts[0]!.body)).toBe(true);
    expect(bodies[2]!.data.events[0]!.uuid).not.toBe(bodies[0]!.data.events[0]!.uuid);
    expect(bodies[2]!.eventId).not.toBe(bodies[0]!.eventId);
  });

  it("edits payloads with --set and keeps ids with --keep-ids", async () => {
    const target = await startTarget("/x");
    const env = cliEnv(tmpDir());
    const fixture = JSON.parse(
      readFileSync(new URL("../../fixtures/user.account.lock.json", import.meta.url), "utf8"),
    ) as { uuid: string };
    const r = await runCli(
      [
        "send",
        "fixture",
        "user.account.lock",
        "--to",
        target.url,
        "--keep-ids",
        "--set",
        "outcome.result=FAILURE",
        "--set",
        "source=https://acme.okta.com/api/v1/eventHooks/who123",
        "--set",
        "eventType=user.account.unlock",
      ],
      env,
    );
    expect(r.code).toBe(0);
    const body = JSON.parse(target.posts()[0]!.body.toString()) as {
      source: string;
      eventType: string;
      data: { events: { uuid: string; eventType: string; outcome: { result: string } }[] };
    };
    expect(body.source).toBe("https://acme.okta.com/api/v1/eventHooks/who123");
    // eventType is the event's (a fixture is a LogEvent), not the envelope's
    expect(body.data.events[0]!.eventType).toBe("user.account.unlock");
    expect(body.eventType).toBe("com.okta.event_hook");
    expect(body.data.events[0]!.outcome.result).toBe("FAILURE");
    expect(body.data.events[0]!.uuid).toBe(fixture.uuid);
  });

  it("refuses unknown fixtures with a suggestion and bad files naming file and JSON path (exit 2)", async () => {
    const home = tmpDir();
    const env = cliEnv(home);
    const typo = await runCli(
      ["send", "fixture", "user.lifecyle.create", "--to", "http://127.0.0.1:9/"],
      env,
    );
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean user\.lifecycle\.create/);
    const bad = join(home, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        uuid: "x",
        eventType: "user.lifecycle.create",
        published: "2026-11-20T00:00:00Z",
        target: [{ id: 42 }],
      }),
    );
    const r = await runCli(["send", "fixture", bad, "--to", "http://127.0.0.1:9/"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json.*\/target\/0\/id/);
    const broken = join(home, "broken.json");
    writeFileSync(broken, "{ not json");
    const b = await runCli(["send", "fixture", broken], env);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/broken\.json/);
  });

  it("says to start okhook listen when nothing listens at the listener URL (exit 4)", async () => {
    const home = tmpDir();
    const db = join(home, "stopped.db");
    // A listener that ran on this database and stopped: its URL is still recorded.
    const url = `http://127.0.0.1:${await freePort()}/okta/events`;
    const store = new Store(openDb(db));
    store.meta.set("listener.url", url);
    store.close();
    const r = await runCli(["send", "fixture", "user.lifecycle.create", "--db", db], cliEnv(home));
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`nothing is listening at ${url}: start okhook listen`);
  });

  it("verifies endpoints the way Okta does: VERIFIED against okhook, the failing rule otherwise", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const env = cliEnv(home, { OKHOOK_DB: db });
    const l = await startListen([], env);
    const ok = await runCli(["send", "verify"], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^VERIFIED http:\/\/127\.0\.0\.1:\d+\/okta\/events/);
    const wrong = await startTarget("/v", () => ({ status: 200, body: "hello" }));
    const w = await runCli(["send", "verify", "--to", wrong.url, "--json"], env);
    expect(w.code).toBe(1);
    expect(JSON.parse(w.stdout)).toMatchObject({ verified: false });
    await l.stop();
  });

  it("lists fixtures and shows one, materialised on request", async () => {
    const env = cliEnv(tmpDir());
    const list = await runCli(["fixtures", "--json"], env);
    const all = JSON.parse(list.stdout) as {
      name: string;
      eventType: string;
      description: string;
    }[];
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(all.find((f) => f.name === "user.lifecycle.deactivate")?.description).toBeTruthy();
    const show = await runCli(["fixtures", "show", "user.lifecycle.deact", "--materialise"], env);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      eventType: "com.okta.event_hook",
      data: { events: [{ eventType: "user.lifecycle.deactivate" }] },
    });
  });
});
