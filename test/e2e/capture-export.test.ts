import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkLogEvent } from "../../src/fixtures/validate.js";
import { openDb } from "../../src/store/db.js";
import { Store } from "../../src/store/store.js";
import { BIN, cliEnv, killAll, runCli, startListen } from "../helpers/cli.js";
import { harValidator } from "../helpers/har-schema.js";
import { post } from "../helpers/payload.js";
import { closeStores, parsedEvent, seedDelivery, tempStore } from "../helpers/seed-store.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

const SECRET = "e2e-capture-secret-value";
const PII = {
  name: "Priya Natarajan",
  email: "priya.natarajan@acme-corp.test",
  userId: "00uGCHkxpTFSEksHm1d7",
  ip: "203.0.113.77",
  phone: "+1 415-867-5309",
  city: "Ashburn",
};

/** A real-looking delivery: Priya adds herself to a group (actor and target are one user). */
function piiDelivery(uuid: string): Buffer {
  const fixture = JSON.parse(
    readFileSync(new URL("../../fixtures/group.user_membership.add.json", import.meta.url), "utf8"),
  );
  const { _meta: _, ...event } = fixture;
  const priya = { id: PII.userId, type: "User", alternateId: PII.email, displayName: PII.name };
  event.uuid = uuid;
  event.actor = { ...priya, detailEntry: null };
  event.target[0] = { ...priya, detailEntry: null };
  event.client.ipAddress = PII.ip;
  event.client.ipChain[0].ip = PII.ip;
  event.client.geographicalContext.city = PII.city;
  event.debugContext.debugData.phoneNumber = PII.phone;
  event.debugContext.debugData.requestUri = `/api/v1/groups/${event.target[1].id}/users/${PII.userId}`;
  return Buffer.from(
    JSON.stringify({
      eventType: "com.okta.event_hook",
      eventTypeVersion: "1.0",
      cloudEventsVersion: "0.1",
      source: "https://acme.okta.com/api/v1/eventHooks/who1",
      eventId: "evt-capture-1",
      eventTime: "2026-11-20T14:16:21.874Z",
      contentType: "application/json",
      data: { events: [event] },
    }),
  );
}

/** A database filled by a real listen: a PII delivery forwarded to an app, a bad body, a 401. */
async function capturedDb() {
  const home = tmpDir();
  const db = join(home, "okhook.db");
  const env = cliEnv(home, { OKHOOK_DB: db });
  const app = await startTarget("/hook", () => ({ status: 200, body: '{"ok":true}' }));
  const l = await startListen(["--secret", SECRET, "--forward-to", app.url], env);
  const uuid = "a3f26bf1-e4ea-11f1-98e3-698b02cc2b19";
  expect((await post(l.hookUrl, piiDelivery(uuid), { authorization: SECRET })).status).toBe(200);
  expect(
    (await post(l.hookUrl, Buffer.from([0xff, 0xfe, 0x00]), { authorization: SECRET })).status,
  ).toBe(400);
  expect((await post(l.hookUrl, "{}", { authorization: "wrong" })).status).toBe(401);
  await waitFor(() => app.posts().length === 1, { what: "the app to get the delivery" });
  await waitFor(async () => {
    const r = await runCli(["deliveries", "--json", "--status", "forwarded"], env);
    return JSON.parse(r.stdout).length === 1;
  });
  expect(await l.stop()).toBe(0);
  const r = await runCli(["deliveries", "--json", "--status", "delivery"], env);
  const id = JSON.parse(r.stdout)[0].id as string;
  return { home, db, env, uuid, id };
}

function rows(db: string) {
  const store = new Store(openDb(db, { readonly: true }));
  try {
    const list = store.deliveries.list({ limit: 1000, order: "asc" });
    return list.map((d) => ({
      id: d.id,
      body: store.deliveries.body(d.seq),
      uuids: store.deliveries.events(d.seq).map((e) => e.uuid),
      attempts: store.attempts.of(d.seq).length,
    }));
  } finally {
    store.close();
  }
}

describe("okhook fixtures capture", () => {
  it("turns a stored delivery into a PII-free, schema-valid fixture that send fixture sends", async () => {
    const { home, env, id, uuid } = await capturedDb();
    const dir = join(home, "mine");
    const r = await runCli(["fixtures", "capture", id.slice(-8), "--out", dir], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Wrote 1 fixture:");
    expect(r.stdout).toMatch(
      /Replaced 1 name, 1 email or login, 1 phone number, 1 IP address, 1 place,.* 1 user id/,
    );
    const [file] = readdirSync(dir);
    expect(file).toBe(`group.user_membership.add.${uuid.slice(0, 8)}.json`);
    const text = readFileSync(join(dir, file!), "utf8");
    for (const value of Object.values(PII)) expect(text).not.toContain(value);
    for (const value of [...Object.values(PII), SECRET]) expect(r.stdout).not.toContain(value);
    const doc = JSON.parse(text);
    const { _meta, ...event } = doc;
    expect(checkLogEvent(event)).toBeUndefined();
    expect(event.actor.id).toMatch(/^00u[A-Za-z0-9]{17}$/);
    expect(event.target[0].id).toBe(event.actor.id);
    expect(event.target[0].alternateId).toBe(event.actor.alternateId);
    expect(event.actor.alternateId).toMatch(/@example\.com$/);

    const mine = { ...env, OKHOOK_FIXTURES: dir };
    const list = await runCli(["fixtures"], mine);
    expect(list.stdout).toMatch(
      new RegExp(`${file!.replace(".json", "").replace(/\./g, "\\.")} .*\\[yours\\]`),
    );
    const receiver = await startTarget("/okta");
    const sent = await runCli(
      ["send", "fixture", file!.replace(".json", ""), "--to", receiver.url],
      mine,
    );
    expect(sent.code).toBe(0);
    const got = JSON.parse(receiver.posts()[0]!.body.toString());
    expect(got.data.events[0].actor).toEqual(event.actor);
  });

  it("refuses a request that carried no events, naming it", async () => {
    const { env } = await capturedDb();
    const rejected = JSON.parse(
      (await runCli(["deliveries", "--json", "--status", "rejected"], env)).stdout,
    )[0];
    const r = await runCli(["fixtures", "capture", rejected.id], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /a rejected request \(POST \/okta\/events\) carries no events to capture/,
    );
  });
});

describe("okhook export / import", () => {
  it("exports a HAR 1.2 document a browser opens: a delivery entry each, an attempt entry each", async () => {
    const { home, db, env } = await capturedDb();
    const out = join(home, "capture.har");
    const r = await runCli(["export", "--out", out], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/exported 3 deliveries \(4 HAR entries\) to/);
    const text = readFileSync(out, "utf8");
    expect(text).not.toContain(SECRET);
    const har = JSON.parse(text);
    const validate = harValidator();
    expect(validate(har), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const stored = rows(db);
    expect(har.log.entries).toHaveLength(
      stored.length + stored.reduce((n, d) => n + d.attempts, 0),
    );
    const attempt = har.log.entries.find(
      (e: { _okhook: { record: string } }) => e._okhook.record === "attempt",
    );
    expect(attempt.response.status).toBe(200);
    expect(attempt.response.headers).toContainEqual({ name: "content-type", value: "text/plain" });
    expect(attempt.response.content.text).toBe('{"ok":true}');
  });

  it("NDJSON export → import into a fresh database: every body byte-identical, every uuid there", async () => {
    const { home, db, env } = await capturedDb();
    const out = join(home, "capture.ndjson");
    expect((await runCli(["export", "--format", "ndjson", "--out", out], env)).code).toBe(0);
    const fresh = join(home, "teammate.db");
    const r = await runCli(["import", out, "--db", fresh], env);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Imported 3 deliveries \(1 event, 1 attempt\) into /);
    const before = rows(db);
    const after = rows(fresh);
    expect(after.map((d) => d.id)).toEqual(before.map((d) => d.id));
    after.forEach((d, i) => {
      expect(d.body).toEqual(before[i]!.body);
      expect(d.uuids).toEqual(before[i]!.uuids);
    });
    expect((await runCli(["replay", before[0]!.id, "--dry-run", "--db", fresh], env)).code).toBe(0);
    // the same file again: ids taken get new ones, the uuid marks a duplicate as on ingest
    const again = await runCli(["import", out, "--db", fresh, "--json"], env);
    expect(JSON.parse(again.stdout)).toMatchObject({
      deliveries: 3,
      renamed: 3,
      duplicateEvents: 1,
    });
    const har = join(home, "capture.har");
    expect((await runCli(["export", "--out", har], env)).code).toBe(0);
    const viaHar = join(home, "via-har.db");
    expect((await runCli(["import", har, "--db", viaHar], env)).code).toBe(0);
    expect(rows(viaHar)).toEqual(before);
  });

  it("export into a pipe its reader closes early (| head) exits 0 quietly", async () => {
    const home = tmpDir();
    const db = join(home, "okhook.db");
    const { store } = tempStore(db);
    for (let i = 0; i < 400; i++) seedDelivery(store, [parsedEvent(`u-${i}`, Date.now())]);
    closeStores();
    const child = spawn(
      "bash",
      [
        "-c",
        `"${process.execPath}" "${BIN}" export --format ndjson --db "${db}" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`,
      ],
      { env: cliEnv(home) },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    await new Promise((resolve) => child.on("exit", resolve));
    expect({ code: out.trim(), stderr: err }).toEqual({ code: "0", stderr: "" });
  });

  it("stops at a hostile file with exit 2 and the line number, storing nothing", async () => {
    const { home, env } = await capturedDb();
    const out = join(home, "capture.ndjson");
    expect((await runCli(["export", "--out", out], env)).code).toBe(0);
    const good = readFileSync(out, "utf8");
    const lines = good.split("\n");
    const cases: [string, string, RegExp][] = [
      ["truncated.ndjson", good.slice(0, good.length - 30), /line 4: not valid JSON/],
      [
        "no-end.ndjson",
        lines.slice(0, 4).join("\n"),
        /line 4: the file ends without its end record/,
      ],
      [
        "v2.ndjson",
        good.replace('"version":1', '"version":2'),
        /line 1: export format version 2 is newer/,
      ],
      [
        "huge.ndjson",
        `${lines[0]}\n${"x".repeat(10 * 1024 * 1024)}\n`,
        /line 2: longer than 8 MiB/,
      ],
    ];
    const target = join(home, "existing.db");
    expect((await runCli(["import", out, "--db", target], env)).code).toBe(0);
    for (const [name, text, message] of cases) {
      const file = join(home, name);
      writeFileSync(file, text);
      const fresh = join(home, `${name}.db`);
      const r = await runCli(["import", file, "--db", fresh], env);
      expect({ code: r.code, stderr: r.stderr }).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(message),
      });
      expect(r.stderr).toMatch(/\(nothing was imported\)\n$/);
      expect(existsSync(fresh)).toBe(false);
      expect((await runCli(["import", file, "--db", target], env)).code).toBe(2);
      expect(rows(target)).toHaveLength(3);
    }
  });
});
