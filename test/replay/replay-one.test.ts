import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { parseSetArg } from "../../src/payload/edit.js";
import { inferAuthHeader } from "../../src/replay/prepare.js";
import { replayOne } from "../../src/replay/replay-one.js";
import { logEvent } from "../helpers/payload.js";
import { closeStores, seedAttempt, tempStore } from "../helpers/seed-store.js";
import { closeTargets, freePort, startTarget } from "../helpers/target.js";
import { cleanupTmp } from "../helpers/tmp.js";
import { deliveryOf } from "./seed.js";

afterEach(async () => {
  closeStores();
  await closeTargets();
  cleanupTmp();
});

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Pretty-printed with odd spacing, so any re-serialisation would show. */
function oddBytes(events: Record<string, unknown>[]): Buffer {
  const env = {
    eventType: "com.okta.event_hook",
    eventTypeVersion: "1.0",
    cloudEventsVersion: "0.1",
    source: "https://example.okta.com/api/v1/eventHooks/whoq7Xb2mK9rT4vNp1d7",
    eventId: "0f6c3b8e-5a1d-4c2b-9e7f-1a2b3c4d5e6f",
    eventTime: "2026-11-20T14:02:11.482Z",
    contentType: "application/json",
    data: { events },
  };
  return Buffer.from(`${JSON.stringify(env, null, 3)}\n\n`);
}

function storeOne(body: Buffer, forwardedTo?: string) {
  const { store, file } = tempStore();
  const [d] = store.deliveries.insert([deliveryOf(body)]);
  if (forwardedTo) {
    seedAttempt(store, d!.seq, { target: forwardedTo, status: 500 });
    store.deliveries.setForward(d!.seq, { state: "failed", status: 500 });
  }
  return { store, file, seq: d!.seq, id: d!.id };
}

describe("replayOne", () => {
  it("re-sends the original bytes with the original headers minus hop-by-hop, auth re-added", async () => {
    const target = await startTarget();
    const body = oddBytes([
      logEvent("user.lifecycle.create"),
      logEvent("group.user_membership.add"),
    ]);
    const { store, seq, id } = storeOne(body, target.url);

    const r = await replayOne(store, seq, { secret: "s3cret-value" });

    expect(r).toMatchObject({ ok: true, status: 200, attempt: 2, edited: false, deliveryId: id });
    const [got] = target.posts();
    expect(got!.body.equals(body)).toBe(true);
    const h = got!.headers;
    expect(h["content-type"]).toBe("application/json");
    expect(h["user-agent"]).toBe("Okta Hook Service v1.0.0");
    expect(h["x-okta-request-id"]).toBe("rq-1");
    expect(h.authorization).toBe("s3cret-value");
    expect(h["x-okhook-replay"]).toBe("true");
    expect(h["x-okhook-replay-of"]).toBe(id);
    expect(h["x-okhook-delivery-id"]).toBe(id);
    expect(h["x-okhook-attempt"]).toBe("2");
    // hop-by-hop and recomputed headers are not copied; redacted values are never sent
    expect(h.host).toBe(`127.0.0.1:${target.port}`);
    expect(h["content-length"]).toBe(String(body.length));
    expect(h.connection ?? "").not.toMatch(/upgrade/i);
    expect(h["keep-alive"]).toBeUndefined();
    expect(h.upgrade).toBeUndefined();
    expect(h.cookie).toBeUndefined();
    expect(JSON.stringify(h)).not.toContain("[redacted]");

    const attempts = store.attempts.of(seq);
    expect(attempts.map((a) => [a.kind, a.attempt, a.status, a.target])).toEqual([
      ["forward", 1, 500, target.url],
      ["replay", 2, 200, target.url],
    ]);
    // the app finally took it where the listener could not deliver it
    expect(store.deliveries.bySeq(seq)!.forwardState).toBe("forwarded");
  });

  it("--to the app it was forwarded to (the TUI's r names it) counts as that app taking it; another app does not", async () => {
    const target = await startTarget();
    const other = await startTarget();
    const body = oddBytes([logEvent("user.lifecycle.create")]);
    const elsewhere = storeOne(body, target.url);
    await replayOne(elsewhere.store, elsewhere.seq, { to: other.url });
    expect(elsewhere.store.deliveries.bySeq(elsewhere.seq)!.forwardState).toBe("failed");
    const same = storeOne(body, target.url);
    await replayOne(same.store, same.seq, { to: target.url });
    expect(same.store.deliveries.bySeq(same.seq)!.forwardState).toBe("forwarded");
  });

  it("sends no auth header when there is no secret, and the one the delivery came with", async () => {
    const target = await startTarget();
    const { store, seq } = storeOne(oddBytes([logEvent("user.lifecycle.create")]), target.url);
    await replayOne(store, seq);
    expect(target.posts()[0]!.headers.authorization).toBeUndefined();

    expect(
      inferAuthHeader([
        ["X-Okta-Secret", "[redacted]"],
        ["Authorization", "[redacted]"],
      ]),
    ).toBe("x-okta-secret");
    expect(inferAuthHeader([["Cookie", "[redacted]"]])).toBe("authorization");
    await replayOne(store, seq, { secret: "v", authHeader: "X-Hook-Key" });
    expect(target.posts()[1]!.headers["x-hook-key"]).toBe("v");
  });

  it("gets 401 from an app that checks the auth header, 200 with the current secret", async () => {
    const target = await startTarget("/hook", (req) => ({
      status: req.headers.authorization === "right" ? 200 : 401,
    }));
    const { store, seq } = storeOne(oddBytes([logEvent("user.lifecycle.create")]), target.url);
    const denied = await replayOne(store, seq, { secret: "wrong" });
    expect(denied).toMatchObject({ ok: false, status: 401, network: false });
    const allowed = await replayOne(store, seq, { secret: "right" });
    expect(allowed).toMatchObject({ ok: true, status: 200, attempt: 3 });
    expect(store.attempts.of(seq).map((a) => a.status)).toEqual([500, 401, 200]);
  });

  it("applies --set to the envelope and to every event, storing a new linked delivery", async () => {
    const target = await startTarget();
    const events = [logEvent("user.lifecycle.create"), logEvent("user.lifecycle.activate")];
    const body = oddBytes(events);
    const { store, seq, id } = storeOne(body, target.url);
    const edits = [
      "outcome.result=FAILURE",
      "source=https://other.okta.com/hook",
      "data.events[*].debug=3",
    ].map(parseSetArg);

    const r = await replayOne(store, seq, { edits });

    expect(r.edited).toBe(true);
    expect(r.deliveryId).not.toBe(id);
    const sent = JSON.parse(target.posts()[0]!.body.toString());
    const original = JSON.parse(body.toString());
    expect(sent.source).toBe("https://other.okta.com/hook");
    expect(sent.data.events.map((e: { outcome: { result: string } }) => e.outcome.result)).toEqual([
      "FAILURE",
      "FAILURE",
    ]);
    expect(sent.data.events.map((e: { debug: number }) => e.debug)).toEqual([3, 3]);
    original.source = sent.source;
    for (const [i, e] of original.data.events.entries()) {
      e.outcome.result = "FAILURE";
      e.debug = sent.data.events[i].debug;
    }
    expect(sent).toEqual(original);
    expect(target.posts()[0]!.headers["x-okhook-delivery-id"]).toBe(r.deliveryId);
    expect(target.posts()[0]!.headers["x-okhook-replay-of"]).toBe(id);

    // stored as a new delivery linked to the original; the original is untouched
    const copy = store.deliveries.bySeq(r.deliverySeq)!;
    expect(copy).toMatchObject({ kind: "replay", replayOf: id, forwardState: "forwarded" });
    expect(store.deliveries.body(r.deliverySeq)!.equals(target.posts()[0]!.body)).toBe(true);
    expect(store.deliveries.events(r.deliverySeq).map((e) => e.outcome)).toEqual([
      "FAILURE",
      "FAILURE",
    ]);
    expect(store.attempts.of(r.deliverySeq).map((a) => [a.kind, a.attempt, a.status])).toEqual([
      ["replay", 1, 200],
    ]);
    expect(store.deliveries.body(seq)!.equals(body)).toBe(true);
    expect(store.attempts.of(seq)).toHaveLength(1);
  });

  it("--fresh-ids changes every event uuid and the eventId, and nothing else", async () => {
    const target = await startTarget();
    const events = [logEvent("a.b"), logEvent("c.d"), logEvent("e.f")];
    const body = oddBytes(events);
    const { store, seq } = storeOne(body, target.url);

    const r = await replayOne(store, seq, { freshIds: true });

    const sent = JSON.parse(target.posts()[0]!.body.toString());
    const original = JSON.parse(body.toString());
    const oldIds = new Set([original.eventId, ...events.map((e) => e.uuid)]);
    const newIds = [sent.eventId, ...sent.data.events.map((e: { uuid: string }) => e.uuid)];
    for (const u of newIds) {
      expect(u).toMatch(UUID_RE);
      expect(oldIds.has(u)).toBe(false);
    }
    expect(new Set(newIds).size).toBe(newIds.length);
    sent.eventId = original.eventId;
    sent.data.events.forEach((e: { uuid: string }, i: number) => {
      e.uuid = original.data.events[i].uuid;
    });
    expect(sent).toEqual(original);
    expect(store.deliveries.events(r.deliverySeq).map((e) => [e.uuid, e.duplicate])).toEqual(
      newIds.slice(1).map((u) => [u, false]),
    );
  });

  it("replays just one event of a batch when named by its uuid", async () => {
    const target = await startTarget();
    const events = [logEvent("user.lifecycle.create"), logEvent("group.user_membership.add")];
    const { store, id } = storeOne(oddBytes(events), target.url);
    const { delivery, viaEvent } = store.lookup.resolve(events[1]!.uuid as string);

    const r = await replayOne(store, { seq: delivery.seq, eventIdx: viaEvent!.idx });

    const sent = JSON.parse(target.posts()[0]!.body.toString());
    expect(sent.data.events).toEqual([events[1]]);
    expect(sent.eventType).toBe("com.okta.event_hook");
    expect(r).toMatchObject({ edited: true, eventUuid: events[1]!.uuid, eventCount: 1 });
    expect(store.deliveries.bySeq(r.deliverySeq)).toMatchObject({ kind: "replay", replayOf: id });
  });

  it("falls back to the listener URL, and names the fix when no target is known", async () => {
    const listener = await startTarget("/okta/events");
    const { store, seq } = storeOne(oddBytes([logEvent("user.lifecycle.create")]));
    await expect(replayOne(store, seq)).rejects.toThrow(/never forwarded.*pass --to/);
    await expect(replayOne(store, seq, { viaListener: true })).rejects.toThrow(UsageError);
    store.meta.set("listener.url", listener.url);
    const r = await replayOne(store, seq);
    expect(r).toMatchObject({ ok: true, target: listener.url });
  });

  it("records an unreachable target as a network failure, not an exception", async () => {
    const port = await freePort();
    const { store, seq } = storeOne(oddBytes([logEvent("user.lifecycle.create")]));
    const r = await replayOne(store, seq, { to: `http://127.0.0.1:${port}/hook` });
    expect(r).toMatchObject({ ok: false, network: true, status: null });
    expect(r.error).toMatch(/connection refused/);
    expect(store.attempts.of(seq)[0]).toMatchObject({ kind: "replay", status: null });
  });
});
