import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, UsageError } from "../../src/errors.js";
import { openDb } from "../../src/store/db.js";
import { StoreError } from "../../src/store/errors.js";
import { newDeliveryId, shortId } from "../../src/store/ids.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { Store } from "../../src/store/store.js";
import type { NewDelivery, ParsedEvent } from "../../src/store/types.js";
import { asUser, closeStores, seedAttempt, tempStore } from "../helpers/seed-store.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  closeStores();
  cleanupTmp();
});

const open = (file?: string): Store => tempStore(file).store;

const ev = (uuid: string | null, eventType = "user.lifecycle.create"): ParsedEvent => ({
  uuid,
  eventType,
  published: "2026-11-20T14:02:11.482Z",
  displayMessage: "Create Okta user",
  actor: "dana@example.com",
  outcome: "SUCCESS",
  targets: "sam@example.com",
});

const delivery = (events: ParsedEvent[], extra: Partial<NewDelivery> = {}): NewDelivery => ({
  id: newDeliveryId(),
  receivedAt: Date.now(),
  method: "POST",
  path: "/okta/events",
  remoteAddr: "127.0.0.1",
  headers: [["content-type", "application/json"]],
  body: Buffer.from('{"data":{"events":[]}}'),
  size: 22,
  kind: "delivery",
  status: 200,
  auth: "ok",
  events,
  forwardState: "pending",
  ...extra,
});

describe("store", () => {
  it("creates the file 0600 with WAL and the schema version", () => {
    const file = join(tmpDir(), "sub", "okhook.db");
    const s = open(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(s.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(s.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
  });

  it("upgrades a version-1 database in place: rows kept, the unused event indexes gone", () => {
    const file = join(tmpDir(), "v1.db");
    const v1 = new Database(file);
    v1.exec(MIGRATIONS[0]!);
    v1.pragma("user_version = 1");
    v1.exec(`INSERT INTO deliveries (id, received_at, method, path, headers, size, kind, status)
      VALUES ('01jv1', 1, 'POST', '/okta/events', '[]', 2, 'delivery', 200);
      INSERT INTO events (delivery_seq, idx, uuid, event_type) VALUES (1, 0, 'u-1', 'user.lifecycle.create')`);
    v1.close();
    const s = open(file);
    const indexes = s.db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(indexes).toContain("events_uuid");
    expect(indexes).not.toContain("events_type");
    expect(indexes).not.toContain("events_published");
    // every later migration runs too (3: inline hook exchanges, 4: attempts' answer headers)
    expect(s.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(s.deliveries.bySeq(1)).toMatchObject({ inlineOutcome: null, inlineApplied: null });
    expect(s.db.prepare("SELECT response_headers FROM attempts").all()).toEqual([]);
    expect(s.deliveries.events(1).map((e) => e.uuid)).toEqual(["u-1"]);
  });

  it("stores deliveries with their events and flags duplicate uuids, also within one batch", () => {
    const s = open();
    const [a, b] = s.deliveries.insert([
      delivery([ev("u-1"), ev("u-2")]),
      delivery([ev("u-2"), ev(null)]),
    ]);
    expect(a!.duplicateCount).toBe(0);
    expect(b!.duplicateCount).toBe(1);
    expect(s.deliveries.events(b!.seq).map((e) => e.duplicate)).toEqual([true, false]);
    expect(s.deliveries.bySeq(a!.seq)!.eventCount).toBe(2);
    expect(s.deliveries.body(a!.seq)!.toString()).toBe('{"data":{"events":[]}}');
  });

  it("pages newest first by keyset and filters", () => {
    const s = open();
    for (let i = 0; i < 25; i++) {
      s.deliveries.insert([
        delivery([ev(`u-${i}`, i % 2 ? "group.user_membership.add" : "user.lifecycle.create")], {
          kind: i === 3 ? "rejected" : "delivery",
        }),
      ]);
    }
    const first = s.deliveries.list({ limit: 10 });
    expect(first.map((r) => r.seq)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    const next = s.deliveries.list({ limit: 10, beforeSeq: first.at(-1)!.seq });
    expect(next[0]!.seq).toBe(15);
    expect(s.deliveries.list({ limit: 100, eventTypeGlob: "group.*" })).toHaveLength(12);
    expect(s.deliveries.list({ limit: 100, kinds: ["rejected"] }).map((r) => r.seq)).toEqual([4]);
    expect(s.deliveries.list({ limit: 100, text: "u-7" }).map((r) => r.seq)).toEqual([8]);
    const plan = s.db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT seq FROM deliveries WHERE seq < ? ORDER BY seq DESC LIMIT 50",
      )
      .all(10) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(" ")).toMatch(/INTEGER PRIMARY KEY/);
  });

  it("resolves full ids, short ids, prefixes and event uuids; refuses unknown and ambiguous", () => {
    const s = open();
    const [a] = s.deliveries.insert([delivery([ev("11111111-aaaa-bbbb-cccc-000000000001")])]);
    s.deliveries.insert([delivery([ev("u-x")])]);
    expect(s.lookup.resolve(a!.id).delivery.seq).toBe(a!.seq);
    expect(s.lookup.resolve(shortId(a!.id)).delivery.seq).toBe(a!.seq);
    expect(s.lookup.resolve(a!.id.toUpperCase()).delivery.seq).toBe(a!.seq);
    expect(s.lookup.resolve("11111111-AAAA-bbbb-cccc-000000000001").delivery.seq).toBe(a!.seq);
    expect(() => asUser(() => s.lookup.resolve("zzzzzzzz"))).toThrow(UsageError);
    expect(() => asUser(() => s.lookup.resolve(a!.id.slice(0, 6)))).toThrow(/ambiguous/);
  });

  it("records attempts and forward state, and lists what is still pending", () => {
    const s = open();
    const [a, b] = s.deliveries.insert([delivery([ev("u-1")]), delivery([ev("u-2")])]);
    seedAttempt(s, a!.seq, { target: "http://t/", durationMs: 5, response: Buffer.from("ok") });
    s.deliveries.setForward(a!.seq, { state: "forwarded", status: 200, ms: 5 });
    expect(s.attempts.forwardedTo(a!.seq, "http://t/")).toBe(true);
    expect(s.attempts.lastNo(a!.seq, "http://t/")).toBe(1);
    expect(s.deliveries.pendingForward()).toEqual([b!.seq]);
    expect(s.attempts.of(a!.seq)[0]!.response).toBe("ok");
    expect(s.deliveries.counters()).toMatchObject({ received: 2, forwarded: 1, pending: 1 });
  });

  it("says which rows were replayed when asked (the TUI's ↻), and only then", () => {
    const s = open();
    const [a, b] = s.deliveries.insert([delivery([ev("u-1")]), delivery([ev("u-2")])]);
    const attempt = (seq: number, kind: "forward" | "replay") => seedAttempt(s, seq, { kind });
    attempt(a!.seq, "forward");
    attempt(b!.seq, "forward");
    attempt(b!.seq, "replay");
    const listed = s.deliveries.list({ limit: 10, replayed: true });
    expect(listed.map((r) => [r.seq, r.replayed])).toEqual([
      [b!.seq, true],
      [a!.seq, false],
    ]);
    expect(s.deliveries.bySeq(b!.seq, { replayed: true })?.replayed).toBe(true);
    // plain reads (the forwarder's) do not pay for it
    expect(s.deliveries.bySeq(b!.seq)).not.toHaveProperty("replayed");
    expect(s.deliveries.list({ limit: 10 })[0]).not.toHaveProperty("replayed");
  });

  it("keeps meta values", () => {
    const s = open();
    s.meta.set("k", "v1");
    s.meta.set("k", "v2");
    expect(s.meta.get("k")).toBe("v2");
    expect(s.meta.get("missing")).toBeUndefined();
  });

  it("opens read-only without writing: nothing created, an older schema upgraded once in place", () => {
    const dir = tmpDir();
    expect(() => asUser(() => openDb(join(dir, "missing.db"), { readonly: true }))).toThrow(
      ConfigError,
    );
    expect(existsSync(join(dir, "missing.db"))).toBe(false);
    const file = join(dir, "v1.db");
    const v1 = new Database(file);
    v1.exec(MIGRATIONS[0]!);
    v1.pragma("user_version = 1");
    v1.close();
    const ro = new Store(openDb(file, { readonly: true }));
    stores.push(ro);
    expect(ro.db.readonly).toBe(true);
    expect(ro.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(() => ro.meta.set("k", "v")).toThrow(/readonly/);
  });

  it("closes a database it is alone on in rollback mode (readable without -wal/-shm), else leaves it WAL", () => {
    const file = join(tmpDir(), "okhook.db");
    const a = new Store(openDb(file));
    const b = new Store(openDb(file));
    a.close();
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(b.db.pragma("journal_mode", { simple: true })).toBe("wal");
    b.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const header = readFileSync(file).subarray(18, 20);
    expect([...header]).toEqual([1, 1]);
    const again = open(file);
    expect(again.db.pragma("journal_mode", { simple: true })).toBe("wal");
  });

  it("throws typed StoreErrors (a code and the file, no flags): commands put them in words", () => {
    const file = join(tmpDir(), "bad.db");
    writeFileSync(file, "not sqlite ".repeat(500));
    const caught = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err as StoreError;
      }
      throw new Error("expected a StoreError");
    };
    const corrupt = caught(() => openDb(file));
    expect(corrupt).toBeInstanceOf(StoreError);
    expect(corrupt).toMatchObject({ code: "corrupt", file });
    expect(corrupt.message).not.toMatch(/--db/);
    const s = open();
    expect(caught(() => s.lookup.resolve("zzzzzzzz")).problem).toEqual({
      code: "refNotFound",
      ref: "zzzzzzzz",
    });
    expect(caught(() => s.lookup.resolve("abc")).code).toBe("refTooShort");
  });

  it("names a corrupt database file and the fix", () => {
    const file = join(tmpDir(), "bad.db");
    writeFileSync(file, "this is not sqlite at all, just text ".repeat(200));
    expect(() => asUser(() => openDb(file))).toThrow(ConfigError);
    expect(() => asUser(() => openDb(file))).toThrow(/not a readable okhook database.*--db/);
  });
});
