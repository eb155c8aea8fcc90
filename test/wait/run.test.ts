import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Interrupted } from "../../src/errors.js";
import { parseEvent } from "../../src/listen/parse-events.js";
import { newDeliveryId } from "../../src/store/ids.js";
import type { Store } from "../../src/store/store.js";
import type { ForwardState } from "../../src/store/types.js";
import { openWaitReads } from "../../src/store/wait-reads.js";
import { parseMatchArg } from "../../src/wait/match.js";
import { type RunWaitOptions, runWait } from "../../src/wait/run.js";
import type { WaitMatch } from "../../src/wait/types.js";
import { envelope, logEvent } from "../helpers/payload.js";
import { closeStores, tempStore } from "../helpers/seed-store.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";

afterEach(() => {
  closeStores();
  cleanupTmp();
});

/** Store one delivery as the listener does: Okta's bytes and the indexed events. */
function store(
  s: Store,
  events: Record<string, unknown>[],
  o: { receivedAt?: number; forward?: ForwardState } = {},
) {
  const body = envelope(events);
  const [stored] = s.deliveries.insert([
    {
      id: newDeliveryId(),
      receivedAt: o.receivedAt ?? Date.now(),
      method: "POST",
      path: "/okta/events",
      remoteAddr: "127.0.0.1",
      headers: [["content-type", "application/json"]],
      body,
      size: body.length,
      kind: "delivery",
      status: 200,
      auth: "ok",
      events: events.map(parseEvent),
      forwardState: o.forward ?? "none",
    },
  ]);
  return stored!;
}

function failed(
  eventType = "user.lifecycle.create",
  result = "FAILURE",
): Record<string, unknown> & { uuid: string } {
  const e = logEvent(eventType);
  return { ...e, uuid: String(e.uuid), outcome: { result, reason: null } };
}

type WaitOpts = Partial<Omit<RunWaitOptions, "spec">> & {
  match?: string[];
  count?: number;
  forwarded?: boolean;
};

function wait(file: string, { match = [], count = 1, forwarded = false, ...o }: WaitOpts = {}) {
  const matches: WaitMatch[] = [];
  const done = runWait({
    spec: { eventType: "user.lifecycle.*", conditions: match.map(parseMatchArg), count, forwarded },
    open: () => openWaitReads(file),
    file,
    timeoutMs: 10_000,
    onMatch: (m) => matches.push(m),
    ...o,
  });
  return { done, matches };
}

describe("runWait on a real database", () => {
  it("returns when a matching event is stored after it started; earlier ones do not count", async () => {
    const { store: s, file } = tempStore();
    store(s, [failed()]);
    const w = wait(file, { match: ["outcome.result=FAILURE"] });
    // a non-matching event first, then the match, from another connection
    const { store: writer } = tempStore(file);
    store(writer, [failed("user.lifecycle.create", "SUCCESS")]);
    const e = failed();
    store(writer, [e]);
    const out = await w.done;
    expect(out.timedOut).toBe(false);
    expect(out.matched.map((m) => m.uuid)).toEqual([e.uuid]);
    expect(w.matches.map((m) => m.uuid)).toEqual([e.uuid]);
  });

  it("--since counts events already stored within the window, not older ones", async () => {
    const { store: s, file } = tempStore();
    const old = failed();
    store(s, [old], { receivedAt: Date.now() - 3_600_000 });
    const recent = failed();
    store(s, [recent], { receivedAt: Date.now() - 60_000 });
    const out = await wait(file, { sinceMs: Date.now() - 600_000, count: 1 }).done;
    expect(out.matched.map((m) => m.uuid)).toEqual([recent.uuid]);
  });

  it("waits for a database that does not exist yet (listen starting in the background)", async () => {
    const file = join(tmpDir(), "later", "okhook.db");
    const w = wait(file);
    const { store: s } = tempStore(file);
    const e = failed();
    store(s, [e]);
    expect((await w.done).matched.map((m) => m.uuid)).toEqual([e.uuid]);
  });

  it("times out with what came closest", async () => {
    const { store: s, file } = tempStore();
    const w = wait(file, { match: ["outcome.result=FAILURE"], timeoutMs: 600 });
    store(s, [failed("user.lifecycle.create", "SUCCESS"), failed("group.user_membership.add")]);
    const out = await w.done;
    expect(out.timedOut).toBe(true);
    expect(out.report.closest[0]?.failed[0]?.seen).toEqual(['"SUCCESS"']);
    expect(out.report.otherTypes).toEqual([{ eventType: "group.user_membership.add", count: 1 }]);
  });

  it("--forwarded returns once the delivery's forward state turns forwarded", async () => {
    const { store: s, file } = tempStore();
    const w = wait(file, { forwarded: true });
    const e = failed();
    const d = store(s, [e], { forward: "pending" });
    s.deliveries.setForward(d.seq, { state: "failed", status: 502 });
    s.deliveries.setForward(d.seq, { state: "forwarded", status: 200, ms: 3 });
    const out = await w.done;
    expect(out.matched[0]).toMatchObject({
      uuid: e.uuid,
      forward: { state: "forwarded", status: 200 },
    });
  });

  it("--forwarded does not count a delivery the app answered 502, and says so", async () => {
    const { store: s, file } = tempStore();
    const w = wait(file, { forwarded: true, timeoutMs: 500 });
    const d = store(s, [failed()], { forward: "pending" });
    s.deliveries.setForward(d.seq, { state: "failed", status: 502 });
    const out = await w.done;
    expect(out.timedOut).toBe(true);
    expect(out.report.closest[0]?.forward).toMatchObject({ state: "failed", status: 502 });
  });

  it("is woken by the file change itself, not only by its poll", async () => {
    const { store: s, file } = tempStore();
    // a poll that never comes within the test: only the directory watch can wake it
    const w = wait(file, { pollMs: 60_000, timeoutMs: 20_000 });
    const started = Date.now();
    store(s, [failed()]);
    const out = await w.done;
    expect(out.timedOut).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("an abort ends the wait with Interrupted", async () => {
    const { file } = tempStore();
    const ac = new AbortController();
    const w = wait(file, { signal: ac.signal });
    ac.abort();
    await expect(w.done).rejects.toBeInstanceOf(Interrupted);
  });
});
