import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { findLink } from "../../src/okta/link-header.js";
import { parseDeliveryFailure } from "../../src/reconcile/delivery-failures.js";
import { compileFilter } from "./fake-okta/scim-filter.js";
import type { FakeOkta, startFakeOkta } from "./fake-okta.js";
import { closeOktaRigs, type OktaRig, startOktaRig } from "./okta-rig.js";

const T0 = Date.parse("2026-11-20T14:00:00.000Z");
const SINCE = "2026-11-20T00:00:00.000Z";
const UNTIL = "2026-11-20T14:00:00.000Z";

let rig: OktaRig | undefined;

afterEach(async () => {
  await closeOktaRigs();
  rig = undefined;
});

async function start(opts: Parameters<typeof startFakeOkta>[0] = {}) {
  const clock = { t: T0 };
  rig = await startOktaRig({
    now: () => clock.t,
    deliveryTimeoutMs: 200,
    verifyTimeoutMs: 200,
    ...opts,
  });
  return { fake: rig.fake, receiver: rig.receiver, clock };
}

async function get(f: FakeOkta, path: string, auth = `SSWS ${f.token}`) {
  const res = await request(`${f.url}${path}`, {
    headers: { authorization: auth },
    dispatcher: rig?.agent,
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    json: text ? JSON.parse(text) : undefined,
  };
}

function logsPath(params: Record<string, string>): string {
  return `/api/v1/logs?${new URLSearchParams(params)}`;
}

describe("fake Okta System Log", () => {
  it("filters with eq, sw, and, or, not and parentheses", () => {
    const ev = (eventType: string, result = "SUCCESS") => ({
      eventType,
      outcome: { result },
      target: [{ id: "a" }, { id: "b" }],
    });
    const f = compileFilter(
      '(eventType sw "user.lifecycle" OR eventType eq "group.user_membership.add") and outcome.result eq "SUCCESS"',
    );
    expect(f(ev("user.lifecycle.create"))).toBe(true);
    expect(f(ev("group.user_membership.add"))).toBe(true);
    expect(f(ev("user.lifecycle.create", "FAILURE"))).toBe(false);
    expect(f(ev("user.session.start"))).toBe(false);
    expect(compileFilter('target.id eq "b"')(ev("x"))).toBe(true);
    expect(compileFilter('not (eventType co "session")')(ev("user.session.start"))).toBe(false);
    expect(() => compileFilter('eventType eq "x" and')).toThrow(/position/);
    expect(() => compileFilter("eventType eq unquoted")).toThrow(/quoted string/);
  });

  it("answers a malformed filter, a bad cursor and an old since with 400 E0000053", async () => {
    const { fake } = await start();
    const bad = await get(fake, logsPath({ filter: 'eventType eq "x" or', until: UNTIL }));
    expect(bad.status).toBe(400);
    expect(bad.json.errorCode).toBe("E0000053");
    expect((await get(fake, logsPath({ after: "zzz", until: UNTIL }))).status).toBe(400);
    const old = await get(
      fake,
      logsPath({ since: new Date(T0 - 181 * 86_400_000).toISOString(), until: UNTIL }),
    );
    expect(old.json.errorCauses[0].errorSummary).toMatch(/since parameter is over 180 days/);
  });

  it("pages 100 by default, caps at 1000, and sends self and next as separate lines", async () => {
    const { fake } = await start();
    fake.addLogEvents(
      Array.from({ length: 1200 }, (_, i) => ({
        published: new Date(T0 - 10_000 + i).toISOString(),
      })),
    );
    const first = await get(fake, logsPath({ since: SINCE, until: UNTIL }));
    expect(first.json).toHaveLength(100);
    expect(first.headers.link).toHaveLength(2);
    expect(first.headers.date).toBe(new Date(T0).toUTCString());
    expect(first.headers["x-rate-limit-limit"]).toBe("600");
    expect(first.headers["x-rate-limit-remaining"]).toBe("599");
    expect(first.headers["x-rate-limit-reset"]).toBe(String(T0 / 1000 + 60));
    const big = await get(fake, logsPath({ since: SINCE, until: UNTIL, limit: "5000" }));
    expect(big.json).toHaveLength(1000);
  });

  it("sorts descending and keeps polling queries open with a next link", async () => {
    const { fake } = await start();
    const seeded = fake.addLogEvents(
      [0, 1, 2].map((i) => ({ published: new Date(T0 - 3000 + i).toISOString() })),
    );
    const desc = await get(fake, logsPath({ since: SINCE, until: UNTIL, sortOrder: "DESCENDING" }));
    expect(desc.json.map((e: { uuid: string }) => e.uuid)).toEqual(
      seeded.map((e) => e.uuid).reverse(),
    );
    const poll = await get(fake, logsPath({ since: SINCE }));
    expect(poll.json).toHaveLength(3);
    const next = findLink(poll.headers.link as string[], "next")!;
    const empty = await get(fake, next.slice(fake.url.length));
    expect(empty.json).toEqual([]);
    expect(findLink(empty.headers.link as string[], "next")).toBeDefined();
    fake.addLogEvents([{ published: new Date(T0 - 1).toISOString() }]);
    expect((await get(fake, next.slice(fake.url.length))).json).toHaveLength(1);
  });

  it("refuses a wrong token with an Okta 401 body", async () => {
    const { fake } = await start();
    const res = await get(fake, "/api/v1/eventHooks", "SSWS wrong");
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      errorCode: "E0000011",
      errorSummary: "Invalid token provided",
    });
    expect(fake.requests[0]!.status).toBe(401);
  });
});

describe("fake Okta deliveries", () => {
  async function withVerifiedHook() {
    const { fake, receiver } = await start();
    const created = fake.hooks.create({
      name: "dev",
      events: { type: "EVENT_TYPE", items: ["user.lifecycle.create"] },
      channel: {
        type: "HTTP",
        version: "1.0.0",
        config: {
          uri: receiver.url,
          authScheme: { type: "HEADER", key: "Authorization", value: "shh" },
        },
      },
    }).body as { id: string };
    return { fake, receiver, hookId: created.id };
  }

  it("posts nothing to an UNVERIFIED hook", async () => {
    const { fake, receiver } = await withVerifiedHook();
    const out = await fake.deliver({ events: [{ eventType: "user.lifecycle.create" }] });
    expect(out.deliveries).toEqual([]);
    expect(receiver.received).toEqual([]);
    expect(fake.log.all().some((e) => e.uuid === out.events[0]!.uuid)).toBe(true);
  });

  it("batches subscribed events into one envelope with Okta's headers", async () => {
    const { fake, receiver, hookId } = await withVerifiedHook();
    await fake.hooks.verify(hookId);
    const out = await fake.deliver({
      events: [
        { eventType: "user.lifecycle.create" },
        { eventType: "user.session.start" },
        { eventType: "user.lifecycle.create" },
      ],
    });
    expect(out.deliveries).toHaveLength(1);
    const post = receiver.received.find((r) => r.method === "POST")!;
    expect(post.headers.authorization).toBe("shh");
    expect(post.headers["content-type"]).toBe("application/json");
    const envelope = JSON.parse(post.body);
    expect(envelope).toMatchObject({
      eventType: "com.okta.event_hook",
      source: `${fake.url}/api/v1/eventHooks/${hookId}`,
    });
    expect(envelope.data.events.map((e: { uuid: string }) => e.uuid)).toEqual([
      out.events[0]!.uuid,
      out.events[2]!.uuid,
    ]);
    expect(envelope.data.events[0].debugContext.debugData.webhooks).toBe(hookId);
  });

  it("splits, reorders and duplicates on request", async () => {
    const { fake, receiver, hookId } = await withVerifiedHook();
    await fake.hooks.verify(hookId);
    const events = [1, 2, 3].map(() => ({ eventType: "user.lifecycle.create" }));
    const out = await fake.deliver({ events, splitSize: 2, reorder: true, duplicate: true });
    const posts = receiver.received
      .filter((r) => r.method === "POST")
      .map((r) => JSON.parse(r.body));
    expect(posts.map((p) => p.data.events.length)).toEqual([2, 2, 1, 1]);
    expect(posts[0].data.events[0].uuid).toBe(out.events[2]!.uuid);
    expect(posts[1].eventId).toBe(posts[0].eventId);
  });

  it("retries once after a 5xx or a timeout, never after a 4xx, and logs the final failure", async () => {
    const { fake, receiver, hookId } = await withVerifiedHook();
    await fake.hooks.verify(hookId);
    receiver.script.push("500");
    expect((await fake.deliver({ events: [{}] })).deliveries[0]!.attempts).toHaveLength(2);
    receiver.script.push("400");
    const rejected = await fake.deliver({ events: [{}] });
    expect(rejected.deliveries[0]!.attempts.map((a) => a.status)).toEqual([400]);
    receiver.script.push("hang", "hang");
    const timedOut = await fake.deliver({ events: [{}] });
    expect(timedOut.deliveries[0]!.attempts.map((a) => a.timedOut)).toEqual([true, true]);
    const failures = fake.log
      .all()
      .filter((e) => e.eventType === "event_hook.delivery")
      .map(parseDeliveryFailure);
    expect(failures).toHaveLength(2);
    expect(failures.map((f) => f.outcome?.reason)).toEqual([
      "Hook endpoint answered 400",
      "Hook timed out",
    ]);
    expect(failures[0]!.hookIds).toEqual([hookId]);
  });
});
