import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { openDb } from "../../src/store/db.js";
import { newDeliveryId } from "../../src/store/ids.js";
import { LOOKUP_SQL } from "../../src/store/lookup.js";
import { Store } from "../../src/store/store.js";
import type { NewDelivery } from "../../src/store/types.js";
import { generateDeliveries, generatedId } from "../helpers/million.js";
import { asUser } from "../helpers/seed-store.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { fmt, summary } from "../reliability/support.js";

const ROWS = 1_000_000;
let store: Store;
/** Every SQL text the store prepared (a fresh Store prepares each statement once). */
const prepared: string[] = [];

/** A delivery whose id ends in the given 8-character short id. */
function withShortId(short: string, uuids: string[] = []): NewDelivery {
  return {
    id: `${newDeliveryId().slice(0, 18)}${short}`,
    receivedAt: Date.now(),
    method: "POST",
    path: "/okta/events",
    remoteAddr: "127.0.0.1",
    headers: [],
    body: Buffer.from("{}"),
    size: 2,
    kind: "delivery",
    status: 200,
    auth: "ok",
    events: uuids.map((uuid) => ({
      uuid,
      eventType: "user.lifecycle.create",
      published: null,
      displayMessage: null,
      actor: null,
      outcome: null,
      targets: null,
    })),
    forwardState: "none",
  };
}

beforeAll(() => {
  const file = join(tmpDir(), "million.db");
  generateDeliveries(file, ROWS);
  const db = openDb(file);
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  store = new Store(db);
  store.deliveries.insert([
    withShortId("5ax9k2m1", ["1f0c6c52-aaaa-4bbb-8ccc-0000000000e1"]),
    withShortId("h0p1dayz", ["ABCDEF01-2345-4678-9ABC-DEF012345678"]),
    withShortId("abcd1111"),
    withShortId("abcd2222"),
  ]);
}, 120_000);

afterAll(() => {
  store.close();
  cleanupTmp();
});

const idOf = (ref: string) => store.lookup.resolve(ref).delivery.id;

describe(`id lookups on ${fmt(ROWS)} deliveries`, () => {
  it("resolve every id form a user sees, in any case, with Crockford look-alikes", () => {
    const mid = generatedId(ROWS / 2);
    expect(idOf(mid)).toBe(mid);
    expect(idOf(mid.toUpperCase())).toBe(mid);
    expect(idOf(mid.slice(-8))).toBe(mid);
    expect(idOf(mid.slice(-8).toUpperCase())).toBe(mid);
    const full = idOf("5ax9k2m1");
    expect(full).toMatch(/5ax9k2m1$/);
    expect(idOf(full.slice(0, 20).toUpperCase())).toBe(full);
    expect(idOf("5AX9")).toMatch(/5ax9k2m1$/);
    expect(idOf(" 5aX9k ")).toMatch(/5ax9k2m1$/);
    expect(idOf("5AX9K2ML")).toMatch(/5ax9k2m1$/);
    expect(idOf("HOPIDAYZ")).toMatch(/h0p1dayz$/);
    expect(idOf("1F0C6C52-AAAA-4BBB-8CCC-0000000000E1")).toMatch(/5ax9k2m1$/);
    expect(idOf("abcdef01-2345-4678-9abc-def012345678")).toMatch(/h0p1dayz$/);
    const via = store.lookup.resolve("1f0c6c52-aaaa-4bbb-8ccc-0000000000e1").viaEvent;
    expect(via?.uuid).toBe("1f0c6c52-aaaa-4bbb-8ccc-0000000000e1");
  });

  it("refuse unknown, too short and ambiguous references, naming the candidates", () => {
    expect(() => asUser(() => store.lookup.resolve("5ax"))).toThrow(/too short/);
    expect(() => asUser(() => store.lookup.resolve("zzzzzzzz"))).toThrow(UsageError);
    expect(() => asUser(() => store.lookup.resolve("uuuu"))).toThrow(
      /no delivery or event with that id/,
    );
    expect(() => asUser(() => store.lookup.resolve("5ax9%"))).toThrow(
      /no delivery or event with that id/,
    );
    expect(() => asUser(() => store.lookup.resolve("ABCD"))).toThrow(
      /ambiguous, matches \w+abcd1111, \w+abcd2222 \(/,
    );
    expect(() => asUser(() => store.lookup.resolve("01jx0000"))).toThrow(
      /ambiguous, matches .*, …/,
    );
  });

  it("never scan a table: every statement a lookup runs is an index search", () => {
    const before = prepared.length;
    const started = performance.now();
    const refs = [generatedId(7), "5ax9", "abcd", "01jx0000", "ffffffff", "a-uuid-not-stored"];
    for (const ref of refs) {
      try {
        asUser(() => store.lookup.resolve(ref));
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
      }
    }
    const perLookupMs = (performance.now() - started) / refs.length;
    const statements = new Set([...prepared.slice(before), ...Object.values(LOOKUP_SQL)]);
    for (const sql of Object.values(LOOKUP_SQL)) expect(prepared).toContain(sql);
    for (const sql of statements) {
      const params = sql.match(/\?/g)?.map(() => "x") ?? [];
      const plan = (
        store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
      )
        .map((p) => p.detail)
        .join("; ");
      expect(plan, sql).not.toMatch(/\bSCAN\b/);
      expect(plan, sql).toMatch(/\bSEARCH\b/);
    }
    summary(
      `id lookups: ${fmt(ROWS)} rows, full id / short id / prefixes / event uuid each an index search (no SCAN), ~${perLookupMs.toFixed(2)} ms per lookup`,
    );
  });
});
