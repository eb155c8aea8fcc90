import { describe, expect, it } from "vitest";
import type { CliContext } from "../../src/commands/context.js";
import { readEnv } from "../../src/config.js";
import { planCapture } from "../../src/fixtures/capture.js";
import { captureSummary, replacedText } from "../../src/output/export-render.js";

function ctx(): CliContext {
  return {
    env: readEnv({ NO_COLOR: "1" }),
    stdout: { isTTY: false, write: () => true },
    stderr: { isTTY: false, write: () => true },
  } as unknown as CliContext;
}

const EVENT = {
  uuid: "25c9ad18-e4ea-11f1-8790-4e628576e810",
  published: "2026-11-20T14:00:00.482Z",
  eventType: "user.lifecycle.create",
  actor: {
    id: "00u5a1xk9QvT2mBcd1d7",
    type: "User",
    alternateId: "dana@corp.test",
    displayName: "Dana Admin",
  },
  client: { ipAddress: "10.1.2.3" },
};

describe("capture output", () => {
  it("says how many values of each kind were replaced, never the values", () => {
    const plan = planCapture([
      { event: EVENT, deliveryShortId: "7f3k2q9a", idx: 0, receivedAt: 0 },
    ]);
    const text = captureSummary(plan, ["/tmp/f/user.lifecycle.create.25c9ad18.json"], ctx(), false);
    expect(text).toContain(
      "Replaced 1 name, 1 email or login, 1 IP address, 1 user id with consistent pseudonyms.",
    );
    expect(text).toContain("okhook send fixture user.lifecycle.create.25c9ad18");
    const json = captureSummary(plan, ["/tmp/f/x.json"], ctx(), true);
    for (const v of ["Dana Admin", "dana@corp.test", "10.1.2.3", "00u5a1xk9QvT2mBcd1d7"]) {
      expect(text).not.toContain(v);
      expect(json).not.toContain(v);
    }
    expect(JSON.parse(json).replaced).toEqual({ name: 1, email: 1, ip: 1, userId: 1 });
  });

  it("warns loudly when personal data was kept, and reads well with nothing found", () => {
    const plan = planCapture(
      [{ event: EVENT, deliveryShortId: "7f3k2q9a", idx: 0, receivedAt: 0 }],
      {
        keepPii: true,
      },
    );
    expect(captureSummary(plan, ["/tmp/x.json"], ctx(), false)).toMatch(
      /REAL personal data \(--keep-pii\)/,
    );
    expect(replacedText({})).toBe("nothing (no personal data found)");
    expect(replacedText({ ip: 2, phone: 1 })).toBe("1 phone number, 2 IP addresses");
  });
});
