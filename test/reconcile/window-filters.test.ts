import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import {
  DELIVERY_FAILURE_FILTER,
  eventTypeFilters,
  logQueries,
  scimString,
} from "../../src/reconcile/filters.js";
import { resolveWindow } from "../../src/reconcile/window.js";

const NOW = Date.parse("2026-11-20T14:00:00.000Z");
const DAY = 86_400_000;

describe("resolveWindow", () => {
  it("reads durations and ISO times, until defaulting to now", () => {
    expect(resolveWindow({ since: "2h", now: NOW })).toEqual({
      since: NOW - 7_200_000,
      until: NOW,
      localSince: NOW - 7_200_000,
      warnings: [],
    });
    const w = resolveWindow({ since: "2026-11-20T00:00:00Z", until: "30m", now: NOW });
    expect(w.until).toBe(NOW - 1_800_000);
  });

  it("refuses over 180 days, an empty window and nonsense; warns past 90 days", () => {
    expect(() => resolveWindow({ since: "181d", now: NOW })).toThrow(UsageError);
    expect(() => resolveWindow({ since: "1h", until: "2h", now: NOW })).toThrow(
      /not after --since/,
    );
    expect(() => resolveWindow({ since: "yesterday", now: NOW })).toThrow(/--since "yesterday"/);
    const old = resolveWindow({ since: "100d", now: NOW });
    expect(old.since).toBe(NOW - 100 * DAY);
    expect(old.localSince).toBe(NOW - 90 * DAY);
    expect(old.warnings[0]).toMatch(/90-day/);
  });
});

describe("System Log filters", () => {
  it("quotes SCIM strings and splits long type lists", () => {
    expect(scimString('a"b\\c')).toBe('"a\\"b\\\\c"');
    const types = Array.from({ length: 85 }, (_, i) => `t.${i}`);
    const filters = eventTypeFilters(types);
    expect(filters).toHaveLength(3);
    expect(filters[2]).toBe(
      'eventType eq "t.80" or eventType eq "t.81" or eventType eq "t.82" or eventType eq "t.83" or eventType eq "t.84"',
    );
    expect(logQueries({ source: "flag", types: ["a"] }, "whoX")).toEqual([
      'eventType eq "a"',
      DELIVERY_FAILURE_FILTER,
    ]);
    expect(logQueries({ source: "all", types: null }, "whoX")).toEqual([null]);
  });
});
