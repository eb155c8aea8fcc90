import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate, parseMatchArg } from "../../src/wait/match.js";
import { usageMessage } from "../helpers/thrown.js";

const event = {
  uuid: "fb4d3fa0-e4ea-11f1-8f21-1b6d3e9a7c42",
  eventType: "user.lifecycle.create",
  version: "0",
  severity: "INFO",
  outcome: { result: "FAILURE", reason: null },
  actor: { alternateId: "dana.admin@example.com" },
  target: [
    { type: "User", alternateId: "sam@example.com" },
    { type: "UserGroup", alternateId: "unknown", displayName: "Engineering" },
  ],
  debugContext: { debugData: { "x.y": "dotted", count: 3, flag: true } },
};

const holds = (arg: string, e: unknown = event) => evaluate(e, parseMatchArg(arg)).ok;

describe("--match path=value", () => {
  it("holds for a string field equal to the text, not for another value", () => {
    expect(holds("outcome.result=FAILURE")).toBe(true);
    expect(holds("outcome.result=SUCCESS")).toBe(false);
    expect(holds("actor.alternateId=dana.admin@example.com")).toBe(true);
  });

  it("[] means any element of an array; [n] one element", () => {
    expect(holds("target[].alternateId=sam@example.com")).toBe(true);
    expect(holds("target[].displayName=Engineering")).toBe(true);
    expect(holds("target[*].type=UserGroup")).toBe(true);
    expect(holds("target[0].type=UserGroup")).toBe(false);
    expect(holds("target[1].type=UserGroup")).toBe(true);
    expect(holds("target[].alternateId=nobody@example.com")).toBe(false);
  });

  it("reads the value as JSON for non-string fields (null, numbers, booleans) and quoted keys", () => {
    expect(holds("outcome.reason=null")).toBe(true);
    expect(holds("debugContext.debugData.count=3")).toBe(true);
    expect(holds("debugContext.debugData.flag=true")).toBe(true);
    expect(holds('debugContext.debugData["x.y"]=dotted')).toBe(true);
    // "0" (a string in Okta's payload) matches 0 typed either way
    expect(holds("version=0")).toBe(true);
    expect(holds('version="0"')).toBe(true);
    expect(holds("debugContext.debugData.count=4")).toBe(false);
  });

  it("a missing path holds for nothing, and says it reached no value", () => {
    const o = evaluate(event, parseMatchArg("outcome.nothing.here=x"));
    expect(o).toMatchObject({ ok: false, found: 0, seen: [] });
    expect(holds("target.alternateId=sam@example.com")).toBe(false);
    expect(holds("uuid[].x=1")).toBe(false);
  });

  it("never reads through the prototype", () => {
    expect(holds("constructor.name=Object")).toBe(false);
    expect(holds("outcome.toString=x")).toBe(false);
  });

  it("says what the path held instead (bounded)", () => {
    const o = evaluate(event, parseMatchArg("target[].alternateId=x"));
    expect(o.seen).toEqual(['"sam@example.com"', '"unknown"']);
    const big = { a: Array.from({ length: 10 }, () => "y".repeat(500)) };
    const o2 = evaluate(big, parseMatchArg("a[]=x"));
    expect(o2.found).toBe(10);
    expect(o2.seen).toHaveLength(3);
    for (const s of o2.seen) expect(s.length).toBeLessThanOrEqual(80);
  });

  it("a bad --match is a usage error naming the argument and an example", () => {
    for (const arg of ["noequals", "=x", "a..b=1", "a[x]=1", "a.=1", "__proto__.x=1", "[0]=1"]) {
      const msg = usageMessage(() => parseMatchArg(arg));
      expect(msg).toContain(`--match "${arg}"`);
      expect(msg).toContain("try --match");
    }
  });

  it("a value holds for a string field exactly when it equals it (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (field, wanted) => {
        const e = { outcome: { reason: field } };
        const ok = holds(`outcome.reason=${wanted}`, e);
        let jsonString: unknown;
        try {
          jsonString = JSON.parse(wanted);
        } catch {
          jsonString = undefined;
        }
        expect(ok).toBe(field === wanted || field === jsonString);
      }),
    );
  });

  it("[] holds exactly when some element holds (property)", () => {
    const ids = fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 6 });
    fc.assert(
      fc.property(ids, fc.constantFrom("a", "b", "c", "d"), (all, want) => {
        const e = { target: all.map((id) => ({ id })) };
        expect(holds(`target[].id=${want}`, e)).toBe(all.includes(want));
      }),
    );
  });
});
