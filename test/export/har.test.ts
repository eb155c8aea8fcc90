import { describe, expect, it } from "vitest";
import { HAR_TAIL, harEntriesText, harHead } from "../../src/export/har.js";
import type { ExportedDelivery } from "../../src/export/record.js";
import { harValidator } from "../helpers/har-schema.js";
import { delivery, variedDeliveries } from "./samples.js";

/** The parts of a HAR entry these tests read. */
interface Entry {
  request: { comment?: string; postData?: { _encoding?: string }; url: string; headers: unknown[] };
  response: {
    status: number;
    comment?: string;
    _error?: string;
    content: { mimeType: string; text?: string; encoding?: string };
  };
  _okhook: { delivery?: { kind: string } };
  timings: { wait: number };
  [field: string]: unknown;
}

function find(entries: Entry[], match: (e: Entry) => boolean): Entry {
  const found = entries.find(match);
  if (!found) throw new Error("no such entry");
  return found;
}

function har(ds: ExportedDelivery[]): { log: { entries: Entry[]; [field: string]: unknown } } {
  const text =
    harHead({ okhook: "0.1.0", exportedAt: Date.UTC(2026, 10, 21) }) +
    ds.map((d, i) => harEntriesText(d, i === 0)).join("") +
    HAR_TAIL;
  return JSON.parse(text);
}

describe("HAR export", () => {
  it("is a valid HAR 1.2 document with one entry per delivery and per attempt", () => {
    const ds = variedDeliveries();
    const doc = har(ds);
    const validate = harValidator();
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const attempts = ds.reduce((n, d) => n + d.attempts.length, 0);
    expect(doc.log.entries).toHaveLength(ds.length + attempts);
    expect(doc.log).toMatchObject({ version: "1.2", creator: { name: "okhook" } });
    expect(validate(har([]))).toBe(true);
  });

  it("shows the request Okta made and okhook's answer, then okhook → app with the app's answer", () => {
    const [okta, first, second] = har([delivery()]).log.entries as [Entry, Entry, Entry];
    expect(okta.request).toMatchObject({
      method: "POST",
      url: "https://hooks.example.com/okta/events",
      postData: { mimeType: "application/json", text: delivery().body!.toString() },
    });
    expect(okta.request.headers).toContainEqual({ name: "authorization", value: "[redacted]" });
    expect(okta.response).toMatchObject({ status: 200, statusText: "OK" });
    expect(okta.timings.wait).toBe(2.1);
    expect(first.request.url).toBe("http://localhost:3000/hooks");
    expect(first.request.headers).toContainEqual({ name: "x-okhook-attempt", value: "1" });
    expect(first.request.headers).toContainEqual({ name: "authorization", value: "[redacted]" });
    expect(first.response).toMatchObject({ status: 503, content: { text: "busy" } });
    expect(first.response.comment).toMatch(/headers were not recorded/);
    expect(second).toMatchObject({
      time: 14.5,
      response: {
        status: 200,
        headers: [{ name: "content-type", value: "application/json" }],
        content: { mimeType: "application/json", text: '{"ok":true}', size: 11 },
      },
    });
    expect(second.startedDateTime).toBe("2026-11-20T14:02:12.382Z");
  });

  it("marks binary bodies base64, unanswered attempts status 0, capped bodies by a comment", () => {
    const entries = har(variedDeliveries()).log.entries;
    const invalid = find(entries, (e) => e._okhook.delivery?.kind === "invalid");
    expect(invalid.request.postData?._encoding).toBe("base64");
    expect(invalid.response.content.text).toBe("body is not JSON\n");
    const rejected = find(entries, (e) => e._okhook.delivery?.kind === "rejected");
    expect(rejected.request.comment).toBe("only the first 2048 of 50000 body bytes were kept");
    expect(rejected.response.content.text).toBe("");
    const verification = find(entries, (e) => e._okhook.delivery?.kind === "verification");
    expect(verification.response.content.text).toBe('{"verification":"abc"}');
    expect(verification.request.postData).toBeUndefined();
    const refused = find(entries, (e) => e.response.status === 0);
    expect(refused.response._error).toMatch(/ECONNREFUSED/);
    const png = find(entries, (e) => e.response.content.mimeType === "image/png");
    expect(png.response.content.encoding).toBe("base64");
  });

  it("keeps a hostile Host header or path from making an invalid or foreign URL", () => {
    const d = delivery({ path: "//evil.example/x?a=1", headers: [["host", "bad host\u0000"]] });
    const [entry] = har([d]).log.entries as [Entry & { request: { queryString: unknown } }];
    expect(entry.request.url).toBe("http://localhost//evil.example/x?a=1");
    expect(entry.request.queryString).toEqual([{ name: "a", value: "1" }]);
  });
});
