import { describe, expect, it } from "vitest";
import {
  LOW_REMAINING_MAX_PAUSE_MS,
  lowRemainingPauseMs,
  RATE_LIMIT_MIN_WAIT_MS,
  rateLimitWaitMs,
  readRateLimit,
} from "../../src/okta/rate-limit.js";

const DATE = "Fri, 20 Nov 2026 14:00:00 GMT";
const DATE_MS = Date.parse(DATE);

describe("rate limit headers", () => {
  it("waits Reset*1000 - Date + 1000 on the server clock", () => {
    const state = readRateLimit({ date: DATE, "x-rate-limit-reset": String(DATE_MS / 1000 + 30) });
    expect(rateLimitWaitMs(state, 0)).toBe(31_000);
  });

  it("falls back (undefined) when Reset is missing, repeated or comma-joined", () => {
    expect(rateLimitWaitMs(readRateLimit({ date: DATE }), DATE_MS)).toBeUndefined();
    const joined = `${DATE_MS / 1000 + 5}, ${DATE_MS / 1000 + 5}`;
    expect(
      rateLimitWaitMs(readRateLimit({ "x-rate-limit-reset": joined }), DATE_MS),
    ).toBeUndefined();
    const repeated = [String(DATE_MS / 1000), String(DATE_MS / 1000)];
    expect(
      rateLimitWaitMs(readRateLimit({ "x-rate-limit-reset": repeated }), DATE_MS),
    ).toBeUndefined();
  });

  it("uses the local clock without a Date header and never waits less than the minimum", () => {
    const state = readRateLimit({ "x-rate-limit-reset": String(DATE_MS / 1000 - 10) });
    expect(rateLimitWaitMs(state, DATE_MS)).toBe(RATE_LIMIT_MIN_WAIT_MS);
  });

  it("paces calls only when under 10% of the quota is left", () => {
    const reset = String(DATE_MS / 1000 + 20);
    const at = (remaining: number) =>
      lowRemainingPauseMs(
        readRateLimit({
          date: DATE,
          "x-rate-limit-limit": "100",
          "x-rate-limit-remaining": String(remaining),
          "x-rate-limit-reset": reset,
        }),
        DATE_MS,
      );
    expect(at(50)).toBe(0);
    expect(at(10)).toBe(0);
    expect(at(9)).toBe(LOW_REMAINING_MAX_PAUSE_MS);
    expect(at(0)).toBe(21_000);
    expect(lowRemainingPauseMs(readRateLimit({}), DATE_MS)).toBe(0);
  });
});
