import { describe, expect, it } from "vitest";
import {
  deliveryLine,
  endLine,
  headerLine,
  LineError,
  NdjsonDecoder,
} from "../../src/export/ndjson.js";
import type { ExportedDelivery } from "../../src/export/record.js";
import { delivery, variedDeliveries } from "./samples.js";

function encode(ds: ExportedDelivery[]): string[] {
  return [
    headerLine({ okhook: "0.1.0", exportedAt: Date.UTC(2026, 10, 21) }),
    ...ds.map(deliveryLine),
    endLine(ds.length),
  ];
}

function decode(lines: string[]): ExportedDelivery[] {
  const d = new NdjsonDecoder();
  const out: ExportedDelivery[] = [];
  lines.forEach((text, i) => {
    const r = d.feed(text.replace(/\n$/, ""), i + 1);
    if (r) out.push(r);
  });
  d.finish();
  return out;
}

function errorOf(fn: () => unknown): LineError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LineError) return err;
    throw err;
  }
  throw new Error("did not throw");
}

describe("NDJSON export records", () => {
  it("round-trips every field, bodies and answers byte-exact (base64 when not UTF-8)", () => {
    const ds = variedDeliveries();
    const lines = encode(ds);
    expect(lines.every((l) => l.endsWith("\n") && l.indexOf("\n") === l.length - 1)).toBe(true);
    const back = decode(lines);
    expect(back).toHaveLength(ds.length);
    back.forEach((b, i) => {
      const { seq: _s, ...want } = ds[i]!;
      expect(b).toEqual(want);
    });
    const binary = JSON.parse(lines[2]!);
    expect(binary).toMatchObject({ bodyEncoding: "base64", body: ds[1]!.body!.toString("base64") });
    expect(JSON.parse(lines[1]!)).toMatchObject({
      type: "delivery",
      shortId: "00000001",
      receivedAt: "2026-11-20T14:02:11.482Z",
      eventCount: 1,
      firstEventType: "user.lifecycle.create",
      bodyEncoding: "utf8",
    });
  });

  it("writes a versioned header naming its record kinds, and an end record with the count", () => {
    const [head, , end] = encode([delivery()]);
    expect(JSON.parse(head!)).toMatchObject({
      type: "okhook-export",
      version: 1,
      kinds: ["delivery"],
    });
    expect(JSON.parse(end!)).toEqual({ type: "end", records: 1 });
  });

  it("escapes terminal control characters, so a body cannot act when the file is printed", () => {
    const line = deliveryLine(delivery({ body: Buffer.from("\u001b[2J\u009b31m\u202e") }));
    for (const c of ["\u001b", "\u009b", "\u202e"]) expect(line).not.toContain(c);
    expect(decode([encode([])[0]!, line, endLine(1)])[0]!.body!.toString()).toBe(
      "\u001b[2J\u009b31m\u202e",
    );
  });

  it("names the line of every hostile input", () => {
    const [head, one, end] = encode([delivery()]);
    const cases: [string[], number, RegExp][] = [
      [[head!, one!.slice(0, 40)], 2, /not valid JSON/],
      [[head!, one!], 2, /ends without its end record: truncated/],
      [[head!, one!, one!, endLine(3)], 4, /counts 3 records, the file holds 2/],
      [[head!.replace('"version":1', '"version":2'), one!, end!], 1, /version 2 is newer.*upgrade/],
      [[head!.replace('["delivery"]', '["delivery","inline"]')], 1, /"inline" are not known/],
      [[head!, '{"type":"inline"}', end!], 2, /"inline" are not known/],
      [[one!, end!], 1, /not an okhook export/],
      [[head!, one!.replace('"01jx', '"../x'), end!], 2, /delivery \/id must match pattern/],
      [[head!, one!.replace('"size":', '"size":1,"_":'), end!], 2, /more than its size 1/],
      [
        [head!, one!.replace('"kind":"delivery"', '"kind":"nuke"'), end!],
        2,
        /\/kind must be one of/,
      ],
      [[head!, one!, end!, one!], 4, /data after the end record/],
      [[], 1, /empty/],
    ];
    for (const [lines, line, message] of cases) {
      const err = errorOf(() => decode(lines));
      expect({ line: err.line, message: err.message }).toMatchObject({
        line,
        message: expect.stringMatching(message),
      });
    }
  });

  it("refuses a base64 body that is not strict base64", () => {
    const line = deliveryLine(delivery({ body: Buffer.from([0xff]) })).replace('"/w=="', '"/w*="');
    expect(errorOf(() => decode([encode([])[0]!, line, endLine(1)])).message).toMatch(
      /line 2: delivery \/body is not valid base64/,
    );
  });
});
