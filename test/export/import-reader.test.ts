import { describe, expect, it } from "vitest";
import { HAR_TAIL, harEntriesText, harHead } from "../../src/export/har.js";
import type { ImportItem } from "../../src/export/har-reader.js";
import {
  type ApplyImportOptions,
  applyImport,
  type ImportSink,
} from "../../src/export/import-plan.js";
import { readImport } from "../../src/export/import-reader.js";
import { readLines } from "../../src/export/lines.js";
import { deliveryLine, endLine, headerLine, LineError } from "../../src/export/ndjson.js";
import type { ExportedAttempt, ExportedDelivery } from "../../src/export/record.js";
import { delivery, variedDeliveries } from "./samples.js";

const AT = Date.UTC(2026, 10, 21);

function ndjson(ds: ExportedDelivery[]): string {
  return (
    headerLine({ okhook: "0.1.0", exportedAt: AT }) +
    ds.map(deliveryLine).join("") +
    endLine(ds.length)
  );
}

function har(ds: ExportedDelivery[]): string {
  return (
    harHead({ okhook: "0.1.0", exportedAt: AT }) +
    ds.map((d, i) => harEntriesText(d, i === 0)).join("") +
    HAR_TAIL
  );
}

/** The text as a stream of small chunks (lines cross chunk boundaries). */
async function* chunks(text: string | Buffer, size = 7): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect(text: string | Buffer, file: string, maxLineBytes?: number) {
  const out: ImportItem[] = [];
  for await (const item of readImport(chunks(text, 4096), { file, maxLineBytes })) out.push(item);
  return out;
}

async function lineError(p: Promise<unknown>): Promise<LineError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LineError) return err;
    throw err;
  }
  throw new Error("no error");
}

describe("readLines", () => {
  it("splits across chunks with line numbers, CRLF and a last line without newline", async () => {
    const lines = [];
    for await (const l of readLines(chunks("a\r\nbé\n\nlast", 1))) lines.push(l);
    expect(lines).toEqual([
      { text: "a", line: 1 },
      { text: "bé", line: 2 },
      { text: "", line: 3 },
      { text: "last", line: 4 },
    ]);
  });

  it("stops at a line past the limit without buffering it, and at bytes that are not UTF-8", async () => {
    const long = `ok\n${"x".repeat(10 * 1024 * 1024)}\n`;
    const read = async (src: AsyncIterable<Buffer>) => {
      for await (const _ of readLines(src, { maxBytes: 1024 * 1024 })) {
        // drain
      }
    };
    const err = await lineError(read(chunks(long, 64 * 1024)));
    expect(err.message).toMatch(/^line 2: longer than 1 MiB/);
    const bad = await lineError(read(chunks(Buffer.from([0x61, 0x0a, 0xff, 0xfe, 0x0a]))));
    expect(bad.message).toBe("line 2: not UTF-8 text (is this an okhook export?)");
  });
});

describe("readImport", () => {
  it("reads an NDJSON export back to the same deliveries", async () => {
    const ds = variedDeliveries();
    const items = await collect(ndjson(ds), "capture.ndjson");
    expect(items.map((i) => (i.type === "delivery" ? i.delivery.id : i.type))).toEqual(
      ds.map((d) => d.id),
    );
    expect(items.map((i) => i.line)).toEqual(ds.map((_, i) => i + 2));
    const first = items[0] as Extract<ImportItem, { type: "delivery" }>;
    expect(first.delivery.attempts).toEqual(ds[0]!.attempts);
  });

  it("reads a HAR export back: deliveries with bodies, then their attempts with answers", async () => {
    const ds = variedDeliveries();
    const items = await collect(har(ds), "capture.har");
    const deliveries = items.flatMap((i) => (i.type === "delivery" ? [i.delivery] : []));
    const attempts = items.flatMap((i) => (i.type === "attempt" ? [i] : []));
    expect(deliveries.map((d) => ({ ...d, attempts: [] }))).toEqual(
      ds.map(({ seq: _s, ...d }) => ({ ...d, attempts: [] })),
    );
    expect(attempts.map((a) => [a.deliveryId, a.attempt])).toEqual(
      ds.flatMap((d) => d.attempts.map((a) => [d.id, a])),
    );
    // the format is found from the first line when the name does not say
    expect(await collect(har(ds), "capture.json")).toHaveLength(items.length);
    expect(await collect(ndjson(ds), "capture.txt")).toHaveLength(ds.length);
  });

  it("fails hostile files with the line number: truncated, wrong version, huge line, foreign HAR", async () => {
    const ds = variedDeliveries();
    const nd = ndjson(ds);
    const cut = nd.slice(0, nd.length - 40);
    expect((await lineError(collect(cut, "x.ndjson"))).message).toMatch(/^line 7: not valid JSON/);
    const dropLast = nd.split("\n").slice(0, -2).join("\n");
    expect((await lineError(collect(dropLast, "x.ndjson"))).message).toMatch(
      /^line 7: the file ends without its end record/,
    );
    const v9 = nd.replace('"version":1', '"version":9');
    expect((await lineError(collect(v9, "x.ndjson"))).message).toMatch(
      /^line 1: export format version 9/,
    );
    const huge = nd.replace('"path":"/okta/events"', `"path":"${"a".repeat(10 * 1024 * 1024)}"`);
    expect((await lineError(collect(huge, "x.ndjson"))).message).toMatch(
      /^line 2: longer than 8 MiB/,
    );
    const h = har(ds);
    expect((await lineError(collect(h.slice(0, -10), "x.har"))).message).toMatch(
      /^line 12: not valid JSON .*truncated or edited\?/,
    );
    expect((await lineError(collect(h.slice(0, -HAR_TAIL.length), "x.har"))).message).toBe(
      "line 12: the HAR document ends early: truncated? (export it again)",
    );
    expect(
      (
        await lineError(
          collect(
            h.replace(/"_okhook":\{"version":1,"record"/, '"x":{"version":1,"record"'),
            "x.har",
          ),
        )
      ).message,
    ).toMatch(/^line 2: HAR entry 1 was not written by okhook export/);
    expect((await lineError(collect("", "x.har"))).message).toMatch(/line 1: the file is empty/);
    // a bad record in a HAR names its entry (the second delivery is entry 4: the first has two attempts)
    const bad = har([ds[0]!, delivery({ ...ds[1]!, status: 5000 })]);
    expect((await lineError(collect(bad, "x.har"))).message).toMatch(
      /^line \d+: HAR entry 4: delivery \/status must be <= 999/,
    );
  });
});

/** A sink over maps, standing in for the store in these tests. */
function mapSink(existing: string[] = []) {
  const stored = new Map<string, ExportedDelivery>(existing.map((id) => [id, delivery({ id })]));
  const uuids = new Set<string>();
  const renames = new Map<string, string>();
  const sink: ImportSink = {
    hasId: (id) => stored.has(id),
    insert: (d) => {
      stored.set(d.id, { ...d, attempts: [...d.attempts] });
      let duplicateCount = 0;
      for (const e of d.events) {
        if (e.uuid && uuids.has(e.uuid)) duplicateCount++;
        if (e.uuid) uuids.add(e.uuid);
      }
      return { duplicateCount };
    },
    insertAttempt: (id: string, a: ExportedAttempt) => {
      const d = stored.get(id);
      d?.attempts.push(a);
      return d !== undefined && !existing.includes(id);
    },
    rename: (from, to) => renames.set(from, to),
    renamedTo: (from) => renames.get(from),
  };
  return { sink, stored };
}

describe("applyImport", () => {
  let n = 0;
  const opts: ApplyImportOptions = { newId: () => `01jz${String(++n).padStart(22, "0")}` };

  it("keeps free ids, renames taken ones (and what replays them), flags duplicate uuids", async () => {
    const ds = variedDeliveries();
    const replay = delivery({
      id: "01jx0000000000000000000009",
      kind: "replay",
      replayOf: ds[0]!.id,
    });
    const { sink, stored } = mapSink([ds[0]!.id]);
    const items = await collect(har([...ds, replay]), "x.har");
    async function* gen() {
      yield* items;
    }
    const s = await applyImport(gen(), sink, opts);
    expect(s).toMatchObject({ deliveries: 7, renamed: 1, attempts: 7, duplicateEvents: 3 });
    const renamed = [...stored.values()].find(
      (d) => d.kind === "delivery" && d.id.startsWith("01jz"),
    )!;
    expect(renamed.attempts).toHaveLength(2);
    expect(stored.get(replay.id)!.replayOf).toBe(renamed.id);
    expect(stored.get(ds[1]!.id)!.body).toEqual(ds[1]!.body);
  });

  it("refuses an attempt whose delivery the file does not hold before it", async () => {
    const items = (await collect(har([delivery()]), "x.har")).slice(1);
    async function* gen() {
      yield* items;
    }
    const err = await lineError(applyImport(gen(), mapSink().sink, opts));
    expect(err.message).toMatch(
      /^line 3: an attempt of delivery 01jx0+1, which the file does not hold/,
    );
  });
});
