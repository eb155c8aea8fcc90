import { decodeTime, isValid } from "ulid";
import { describe, expect, it } from "vitest";
import { newDeliveryId, shortId } from "../../src/store/ids.js";

const ULID_LOWER = /^[0-9a-hjkmnp-tv-z]{26}$/;

describe("newDeliveryId", () => {
  it("is a lower-case ULID whose time part is the given clock", () => {
    const now = Date.UTC(2026, 10, 20, 14, 2, 11, 482) + Math.floor(Math.random() * 1e9);
    const id = newDeliveryId(now);
    expect(id).toMatch(ULID_LOWER);
    expect(isValid(id.toUpperCase())).toBe(true);
    expect(decodeTime(id.toUpperCase())).toBe(now);
  });

  it("sorts in generation order within one millisecond and across them", () => {
    const base = Date.UTC(2030, 0, 1);
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) ids.push(newDeliveryId(base + Math.floor(i / 100)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("stays monotonic when the clock steps back", () => {
    const a = newDeliveryId(Date.UTC(2031, 0, 1));
    const b = newDeliveryId(Date.UTC(2031, 0, 1) - 5000);
    expect(b > a).toBe(true);
  });

  it("draws a fresh random part for a new millisecond", () => {
    const t = Date.UTC(2032, 0, 1);
    const a = newDeliveryId(t);
    const b = newDeliveryId(t + 1);
    expect(shortId(a)).not.toBe(shortId(b));
    expect(shortId(a)).toHaveLength(8);
  });
});
