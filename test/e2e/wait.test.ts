import { afterEach, describe, expect, it } from "vitest";
import { cliHome, killAll, type Proc, runCli, startCli, startListen } from "../helpers/cli.js";
import { envelope, logEvent, post } from "../helpers/payload.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";

afterEach(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

/** A LogEvent of `eventType` for `login`, with the outcome given. */
function event(eventType: string, login: string, result = "SUCCESS") {
  const e = logEvent(eventType);
  return {
    ...e,
    uuid: String(e.uuid),
    outcome: { result, reason: null },
    target: [{ id: "00u1", type: "User", alternateId: login, displayName: login }],
  };
}

/** Start `okhook wait` and return once it says it waits (its place in the database taken). */
async function startWait(args: string[], env: NodeJS.ProcessEnv): Promise<Proc> {
  const p = startCli(["wait", ...args], env);
  await waitErr(p, /okhook: waiting up to/);
  return p;
}

function waitErr(p: Proc, re: RegExp) {
  return waitFor(
    () =>
      re.test(p.stderr()) ||
      (p.child.exitCode !== null ? Promise.reject(new Error(p.stderr())) : false),
    { what: `${re} on wait's stderr` },
  );
}

const lines = (s: string) =>
  s
    .split("\n")
    .filter(Boolean)
    .map(
      (l) =>
        JSON.parse(l) as {
          uuid: string;
          event: Record<string, unknown>;
          forward: { state: string; status: number };
        },
    );

describe("okhook wait beside a running listen", () => {
  it("returns the match that arrives after it started, ignoring earlier and non-matching events", async () => {
    const { db, env } = cliHome();
    const l = await startListen(["--db", db], env);
    // matches too, but was stored before wait started
    const before = event("user.lifecycle.create", "sam@example.com", "FAILURE");
    await post(l.hookUrl, envelope([before]));
    const w = await startWait(
      [
        "--event-type",
        "user.lifecycle.*",
        "--match",
        "target[].alternateId=sam@example.com",
        "--match",
        "outcome.result=FAILURE",
        "--json",
        "--db",
        db,
      ],
      env,
    );
    const other = event("user.lifecycle.create", "kim@example.com", "FAILURE");
    const wrongType = event("group.user_membership.add", "sam@example.com", "FAILURE");
    const wanted = event("user.lifecycle.deactivate", "sam@example.com", "FAILURE");
    await post(l.hookUrl, envelope([other, wrongType]));
    await post(l.hookUrl, envelope([wanted]));
    expect(await w.exited).toBe(0);
    const got = lines(w.stdout());
    expect(got.map((g) => g.uuid)).toEqual([wanted.uuid]);
    expect(got[0]!.event).toEqual(wanted);
  });

  it("--since counts what is already stored; --count needs distinct events (a duplicate counts once)", async () => {
    const { db, env } = cliHome();
    const l = await startListen(["--db", db], env);
    const a = event("user.lifecycle.create", "a@example.com");
    const b = event("user.lifecycle.create", "b@example.com");
    await post(l.hookUrl, envelope([a]));
    await post(l.hookUrl, envelope([a])); // Okta's at-least-once
    const r = await runCli(
      ["wait", "--event-type", "user.lifecycle.create", "--since", "5m", "--json", "--db", db],
      env,
    );
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((g) => g.uuid)).toEqual([a.uuid]);
    const w = await startWait(
      [
        "--event-type",
        "user.lifecycle.create",
        "--since",
        "5m",
        "--count",
        "2",
        "--json",
        "--db",
        db,
      ],
      env,
    );
    await post(l.hookUrl, envelope([b]));
    expect(await w.exited).toBe(0);
    expect(lines(w.stdout()).map((g) => g.uuid)).toEqual([a.uuid, b.uuid]);
  });

  it("--forwarded returns only once the app answered the delivery 2xx", async () => {
    const { db, env } = cliHome();
    let answers = 0;
    const app = await startTarget("/hook", () => ({ status: ++answers === 1 ? 503 : 200 }));
    const l = await startListen(["--db", db, "--forward-to", app.url], env);
    const w = await startWait(
      ["--event-type", "user.lifecycle.create", "--forwarded", "--json", "--db", db],
      env,
    );
    const e = event("user.lifecycle.create", "sam@example.com");
    await post(l.hookUrl, envelope([e]));
    expect(await w.exited).toBe(0);
    // the 503 went out and was retried before wait returned
    expect(app.posts().length).toBe(2);
    expect(lines(w.stdout())[0]).toMatchObject({
      uuid: e.uuid,
      forward: { state: "forwarded", status: 200 },
    });
  });

  it("times out with exit 1 naming the closest misses and why", async () => {
    const { db, env } = cliHome();
    const l = await startListen(["--db", db], env);
    const w = await startWait(
      [
        "--event-type",
        "user.lifecycle.create",
        "--match",
        "outcome.result=FAILURE",
        "--timeout",
        "1s",
        "--db",
        db,
      ],
      env,
    );
    await post(l.hookUrl, envelope([event("user.lifecycle.create", "sam@example.com", "SUCCESS")]));
    await post(l.hookUrl, envelope([event("group.user_membership.add", "sam@example.com")]));
    expect(await w.exited).toBe(1);
    expect(w.stdout()).toBe("");
    const err = w.stderr();
    expect(err).toContain("wait timed out after 1s: 0 of 1 matching user.lifecycle.create event");
    expect(err).toMatch(/closest: .*outcome\.result is "SUCCESS", not "FAILURE"/);
    expect(err).toContain("also arrived: 1 group.user_membership.add");
  });

  it("a bad --match is exit 2 with the argument and an example; nothing waits", async () => {
    const { db, env } = cliHome();
    const r = await runCli(
      ["wait", "--event-type", "user.*", "--match", "target[x].id=1", "--db", db],
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^okhook: --match "target\[x\]\.id=1": bad path .*try --match/);
    const missing = await runCli(["wait", "--match", "a=1", "--db", db], env);
    expect(missing.code).toBe(2);
  });
});
