import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEdits, formatPath, parsePath, parseSetArg } from "../../src/payload/edit.js";
import { usageMessage } from "../helpers/thrown.js";

function envelope() {
  return {
    eventType: "com.okta.event_hook",
    eventId: "6f1c2e8a-4b7d-4c3e-9a15-2d8b7e0f3a91",
    data: {
      events: [
        { uuid: "a", eventType: "user.lifecycle.create", outcome: { result: "SUCCESS" } },
        { uuid: "b", eventType: "group.user_membership.add", target: [{ id: "00u1" }] },
      ],
    },
  };
}

describe("parseSetArg", () => {
  it("parses paths with keys, indexes, [*] and quoted keys", () => {
    expect(parseSetArg("data.events[*].outcome.result=FAILURE").path).toEqual([
      { kind: "key", key: "data" },
      { kind: "key", key: "events" },
      { kind: "all" },
      { kind: "key", key: "outcome" },
      { kind: "key", key: "result" },
    ]);
    expect(parseSetArg('a[0].b["x.y"]=1').path).toEqual([
      { kind: "key", key: "a" },
      { kind: "index", index: 0 },
      { kind: "key", key: "b" },
      { kind: "key", key: "x.y" },
    ]);
  });

  it("reads the value as JSON when it parses, else as text", () => {
    expect(parseSetArg("a=3").value).toBe(3);
    expect(parseSetArg("a=true").value).toBe(true);
    expect(parseSetArg("a=null").value).toBeNull();
    expect(parseSetArg('a={"x":[1]}').value).toEqual({ x: [1] });
    expect(parseSetArg('a="3"').value).toBe("3");
    expect(parseSetArg("a=FAILURE").value).toBe("FAILURE");
    expect(parseSetArg("a=x=y").value).toBe("x=y");
    expect(parseSetArg("a=").value).toBe("");
  });

  it("names the --set argument on bad syntax", () => {
    const bad = ["noequals", "=v", ".a=1", "a..b=1", "a.=1", "a[x]=1", "a[0]b=1", "a[=1"];
    for (const arg of [...bad, "__proto__.polluted=1", 'a["\\q"]=1']) {
      expect(usageMessage(() => parseSetArg(arg))).toContain(`--set "${arg}"`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parseSetArg('debugData["a=b"]=c').path[1]).toEqual({ kind: "key", key: "a=b" });
  });

  it("round-trips any path through formatPath (property)", () => {
    const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== "__proto__");
    const segment = fc.oneof(
      key.map((k) => ({ kind: "key" as const, key: k })),
      fc.nat(50).map((i) => ({ kind: "index" as const, index: i })),
      fc.constant({ kind: "all" as const }),
    );
    const path = fc
      .tuple(key, fc.array(segment, { maxLength: 5 }))
      .map(([first, rest]) => [{ kind: "key" as const, key: first }, ...rest]);
    fc.assert(
      fc.property(path, (p) => {
        expect(parsePath(formatPath(p))).toEqual(p);
        expect(parseSetArg(`${formatPath(p)}=1`).path).toEqual(p);
      }),
    );
  });
});

describe("applyEdits", () => {
  it("applies paths that start with an envelope key to the envelope", () => {
    const edited = applyEdits(envelope(), [
      parseSetArg("eventId=fixed"),
      parseSetArg("data.events[1].eventType=user.session.start"),
    ]);
    expect(edited.eventId).toBe("fixed");
    expect(edited.data.events[1]!.eventType).toBe("user.session.start");
    expect(edited.data.events[0]!.eventType).toBe("user.lifecycle.create");
  });

  it("reads eventType as each event's (the fixture files are LogEvents); envelope. edits the envelope's", () => {
    const edited = applyEdits(envelope(), [parseSetArg("eventType=user.account.lock")]);
    expect(edited.eventType).toBe("com.okta.event_hook");
    expect(edited.data.events.map((e) => e.eventType)).toEqual([
      "user.account.lock",
      "user.account.lock",
    ]);
    const outer = applyEdits(envelope(), [
      parseSetArg("envelope.eventType=com.example.other"),
      parseSetArg("source=https://acme.okta.com/api/v1/eventHooks/who1"),
      parseSetArg("envelope.data.events[0].uuid=z"),
    ]);
    expect(outer).toMatchObject({
      eventType: "com.example.other",
      source: "https://acme.okta.com/api/v1/eventHooks/who1",
    });
    expect(outer.data.events.map((e) => [e.eventType, e.uuid])).toEqual([
      ["user.lifecycle.create", "z"],
      ["group.user_membership.add", "b"],
    ]);
    expect(outer.data.events.some((e) => "envelope" in e)).toBe(false);
  });

  it("says how to edit a body without data.events[] (envelope.<path>)", () => {
    expect(usageMessage(() => applyEdits({ a: 1 }, [parseSetArg("a=2")]))).toBe(
      '--set "a=2": the payload has no data.events[] to edit (edit the body itself with --set envelope.a=2)',
    );
    expect(applyEdits({ a: 1 }, [parseSetArg("envelope.a=2")])).toEqual({ a: 2 });
  });

  it("applies other paths to every event, creating missing objects", () => {
    const original = envelope();
    const edited = applyEdits(original, [
      parseSetArg("outcome.result=FAILURE"),
      parseSetArg('outcome.reason="INVALID_CREDENTIALS"'),
      parseSetArg("debugContext.debugData.threatSuspected=true"),
    ]);
    for (const event of edited.data.events as Record<string, unknown>[]) {
      expect(event.outcome).toMatchObject({ result: "FAILURE", reason: "INVALID_CREDENTIALS" });
      expect(event.debugContext).toEqual({ debugData: { threatSuspected: true } });
    }
    expect(original.data.events[0]!.outcome?.result).toBe("SUCCESS");
  });

  it("edits every element with [*] and creates arrays for index paths", () => {
    const edited = applyEdits(envelope(), [
      parseSetArg("data.events[*].severity=WARN"),
      parseSetArg("target[0].displayName=Ana"),
    ]);
    const events = edited.data.events as Record<string, unknown>[];
    expect(events.map((e) => e.severity)).toEqual(["WARN", "WARN"]);
    expect(events[0]!.target).toEqual([{ displayName: "Ana" }]);
    expect(events[1]!.target).toEqual([{ id: "00u1", displayName: "Ana" }]);
  });

  it("refuses to walk into a scalar or past the end of an array", () => {
    expect(usageMessage(() => applyEdits(envelope(), [parseSetArg("outcome.result.x=1")]))).toBe(
      '--set "outcome.result.x=1": outcome.result is a string, not an object',
    );
    expect(usageMessage(() => applyEdits(envelope(), [parseSetArg("target[5].id=x")]))).toContain(
      "index 5 is past the end of target",
    );
    expect(usageMessage(() => applyEdits(envelope(), [parseSetArg("eventId[*]=x")]))).toContain(
      "eventId is not an array",
    );
  });

  it("sets any value at any fresh path and reads it back (property)", () => {
    const ident = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,6}$/);
    fc.assert(
      fc.property(
        fc.array(ident, { minLength: 1, maxLength: 4 }),
        fc.jsonValue(),
        (keys, value) => {
          const path = ["x", ...keys].join(".");
          const edited = applyEdits(envelope(), [{ ...parseSetArg(`${path}=0`), value }]);
          for (const event of edited.data.events) {
            let node: unknown = event;
            for (const k of ["x", ...keys]) node = (node as Record<string, unknown>)[k];
            expect(node).toEqual(value);
          }
        },
      ),
    );
  });
});
