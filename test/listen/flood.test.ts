import { describe, expect, it } from "vitest";
import { classifyHead } from "../../src/listen/classify.js";
import {
  capHostile,
  FloodGate,
  HOSTILE_BODY_KEEP,
  HOSTILE_HEADERS_KEEP,
  HOSTILE_PATH_KEEP,
  isHostile,
} from "../../src/listen/flood.js";
import type { NewDelivery } from "../../src/store/types.js";
import { waitFor } from "../helpers/wait.js";

const cfg = { hookPath: "/okta/events", secret: "s3cret-value", authHeader: "authorization" };

function rejected(body: Buffer, headers: [string, string][] = []): NewDelivery {
  return {
    id: "01jx0000000000000000000000",
    receivedAt: 0,
    method: "POST",
    path: "/okta/events",
    remoteAddr: "127.0.0.1",
    headers,
    body,
    size: body.length,
    kind: "rejected",
    status: 401,
    auth: "missing",
    reason: "auth header missing",
    events: [],
    forwardState: "none",
  };
}

describe("hostile requests", () => {
  it("are those failing auth or not Okta-shaped; authenticated deliveries never are", () => {
    expect(isHostile("rejected", "missing")).toBe(true);
    expect(isHostile("invalid", "ok")).toBe(true);
    expect(isHostile("not_found", "none")).toBe(true);
    expect(isHostile("method_not_allowed", "ok")).toBe(true);
    expect(isHostile("too_large", "ok")).toBe(true);
    expect(isHostile("verification", "wrong")).toBe(true);
    expect(isHostile("verification", "ok")).toBe(false);
    expect(isHostile("delivery", "ok")).toBe(false);
    expect(isHostile("delivery", "none")).toBe(false);
    // an inline hook request with the right secret (a wrong one is `rejected`)
    expect(isHostile("inline", "ok")).toBe(false);
    expect(isHostile("inline", "none")).toBe(false);
    expect(isHostile("fixture", "ok")).toBe(false);
  });

  it("are decided before the body when auth fails, the path or the method is wrong", () => {
    const head = (method: string, path: string, auth?: string) =>
      classifyHead(
        {
          method,
          path,
          tooLarge: false,
          header: (n) => (n === "authorization" ? auth : undefined),
        },
        cfg,
      )?.kind;
    expect(head("POST", "/okta/events")).toBe("rejected");
    expect(head("POST", "/okta/events", "wrong")).toBe("rejected");
    expect(head("POST", "/.env", "s3cret-value")).toBe("not_found");
    expect(head("PUT", "/okta/events", "s3cret-value")).toBe("method_not_allowed");
    expect(head("POST", "/okta/events", "s3cret-value")).toBeUndefined();
  });

  it("keep the first few KiB of body and headers, and say what was cut", () => {
    const big = Buffer.alloc(1024 * 1024, 0x61);
    const many = Array.from({ length: 500 }, (_, i): [string, string] => [`x-${i}`, '"']);
    const capped = capHostile({
      ...rejected(big, [["host", "x"], ...many, ["x-pad", "p".repeat(10_000)]]),
      path: `/${"a".repeat(5000)}`,
    });
    expect(capped.body).toHaveLength(HOSTILE_BODY_KEEP);
    expect(capped.size).toBe(big.length);
    expect(capped.headers[0]).toEqual(["host", "x"]);
    const json = JSON.stringify(capped.headers).length;
    expect(json).toBeLessThanOrEqual(HOSTILE_HEADERS_KEEP);
    expect(json).toBeGreaterThan(HOSTILE_HEADERS_KEEP - 20);
    expect(capped.path).toHaveLength(HOSTILE_PATH_KEEP);
    expect(capped.reason).toBe(
      `auth header missing; first ${HOSTILE_BODY_KEEP} of ${big.length} body bytes kept; headers cut to ${HOSTILE_HEADERS_KEEP} bytes; path cut to ${HOSTILE_PATH_KEEP} characters`,
    );
    // A whole stored row fits in one 4 KiB SQLite page (no overflow page).
    const row = capped.body!.length + json + capped.path.length + (capped.reason?.length ?? 0);
    expect(row).toBeLessThan(4061 - 200);
    const small = rejected(Buffer.from("{}"), [["content-type", "application/json"]]);
    expect(capHostile(small)).toEqual(small);
  });
});

describe("FloodGate", () => {
  it("stores a burst, then the rate; past it only counts, and reports the tally at once then per interval", async () => {
    let now = 0;
    const reports: string[] = [];
    const gate = new FloodGate({
      rate: 10,
      burst: 5,
      reportEveryMs: 30,
      now: () => now,
      report: (m) => reports.push(m),
    });
    const admitted = Array.from({ length: 8 }, () => gate.admit());
    expect(admitted).toEqual([true, true, true, true, true, false, false, false]);
    now += 100; // one token back at 10/s
    expect([gate.admit(), gate.admit()]).toEqual([true, false]);
    now += 60_000; // refills to the burst, never beyond
    expect(Array.from({ length: 6 }, () => gate.admit()).filter(Boolean)).toHaveLength(5);

    gate.count("rejected");
    expect(reports).toEqual([
      "1 request on the hook URL counted, not stored (rejected 1): past 10/s, requests that fail auth or are not Okta-shaped are only counted (1 so far)",
    ]);
    for (let i = 0; i < 1500; i++) gate.count(i % 3 ? "rejected" : "not_found");
    expect(reports).toHaveLength(1);
    await waitFor(() => reports.length === 2);
    expect(reports[1]).toBe(
      "1,500 requests on the hook URL counted, not stored (not_found 500, rejected 1,000): past 10/s, requests that fail auth or are not Okta-shaped are only counted (1,501 so far)",
    );
    gate.count("invalid");
    gate.close();
    expect(reports.at(-1)).toMatch(/^1 request .*\(invalid 1\).*\(1,502 so far\)$/);
    expect(gate.notStored).toBe(1502);
  });
});
