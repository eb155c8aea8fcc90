import { describe, expect, it } from "vitest";
import { findLink, parseLinkHeader } from "../../src/okta/link-header.js";

const SELF = "https://x.okta.com/api/v1/logs?since=2026-11-20T00%3A00%3A00.000Z&limit=1000";
const NEXT = "https://x.okta.com/api/v1/logs?after=abc,def&limit=1000";

describe("parseLinkHeader", () => {
  it("reads separate header lines", () => {
    expect(parseLinkHeader([`<${SELF}>; rel="self"`, `<${NEXT}>; rel="next"`])).toEqual([
      { url: SELF, rels: ["self"] },
      { url: NEXT, rels: ["next"] },
    ]);
  });

  it("reads a comma-folded value, even with commas inside the URLs", () => {
    const folded = `<${SELF}>; rel="self", <${NEXT}>; rel="next"`;
    expect(findLink(folded, "next")).toBe(NEXT);
    expect(findLink(folded, "self")).toBe(SELF);
  });

  it("accepts unquoted, upper-case and multi-valued rels and extra params", () => {
    expect(findLink(`<${NEXT}>; title="a, b"; REL=next`, "next")).toBe(NEXT);
    expect(findLink(`<${NEXT}>; rel="next last"`, "last")).toBe(NEXT);
  });

  it("returns nothing for missing, empty or rel-less headers", () => {
    expect(findLink(undefined, "next")).toBeUndefined();
    expect(findLink("", "next")).toBeUndefined();
    expect(findLink(`<${SELF}>; rel="self"`, "next")).toBeUndefined();
    expect(parseLinkHeader("garbage")).toEqual([]);
  });
});
