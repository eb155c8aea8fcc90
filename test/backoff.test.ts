import { describe, expect, it } from "vitest";
import { backoffMs } from "../src/backoff.js";
import { BACKOFF_MAX_MS } from "../src/okta/rate-limit.js";

const okta = (attempt: number, random: () => number) =>
  backoffMs({ attempt, baseMs: 500, maxMs: BACKOFF_MAX_MS, jitter: true, random });

describe("backoffMs", () => {
  it("backs off exponentially with jitter, capped", () => {
    expect(okta(1, () => 0)).toBe(250);
    expect(okta(1, () => 1)).toBe(500);
    expect(okta(3, () => 1)).toBe(2000);
    expect(okta(30, () => 1)).toBe(BACKOFF_MAX_MS);
  });

  it("without jitter, waits exactly base · 2^(attempt−1) up to the cap", () => {
    const exact = (attempt: number) =>
      backoffMs({ attempt, baseMs: 1000, maxMs: 30_000, jitter: false });
    expect([1, 2, 3, 4, 5, 6].map(exact)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000]);
  });

  it("treats attempt 0 as the first wait and stays finite for huge attempts", () => {
    const step = { baseMs: 10, maxMs: 5000, jitter: false };
    expect(backoffMs({ ...step, attempt: 0 })).toBe(10);
    expect(backoffMs({ ...step, attempt: 5000 })).toBe(5000);
    expect(backoffMs({ ...step, baseMs: 0, attempt: 5000 })).toBe(0);
  });
});
