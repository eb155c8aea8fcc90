import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { conclude, fail, ok, skip, warn } from "../../src/doctor/types.js";
import { doctorJson, renderDoctor } from "../../src/output/doctor-render.js";
import { waitMatchJson, waitMatchLine, waitTimeoutLines } from "../../src/output/wait-render.js";
import { evaluate, parseMatchArg } from "../../src/wait/match.js";
import type { WaitMatch, WaitReport } from "../../src/wait/types.js";

const plain = new Chalk({ level: 0 });
const HOSTILE = "evil\u001b[2J\u001b]52;c;Zm9v\u0007\r$ \u202e";
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach a terminal
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

describe("doctor output", () => {
  const checks = [
    ok("node", "Node.js", "v20.19.0"),
    fail(
      "hook.status",
      `hook "${HOSTILE}" status`,
      "INACTIVE: Okta sends it nothing",
      "activate it",
    ),
    warn("hooks.stale", "stale hooks", "1 at a dead quick tunnel", "deactivate it"),
    skip("okta", "Okta checks", "no --org or OKTA_ORG_URL"),
  ];

  it("one line per check, the fix under each problem, a verdict naming the broken links", () => {
    const text = renderDoctor(conclude(checks, "/db"), plain);
    const lines = text.trimEnd().split("\n");
    expect(lines).toContain("✓ Node.js: v20.19.0");
    expect(lines).toContain("    fix: activate it");
    expect(lines).toContain("! stale hooks: 1 at a dead quick tunnel");
    expect(lines).toContain("– Okta checks: skipped: no --org or OKTA_ORG_URL");
    expect(lines.at(-1)).toMatch(/^✗ 1 problem: hook ".*" status/);
  });

  it("shows Okta's text but never lets it act on the terminal", () => {
    const text = renderDoctor(conclude(checks, "/db"), new Chalk({ level: 2 }));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strip okhook's own colours only
    expect(text.replace(/\u001b\[[0-9;]*m/g, "")).not.toMatch(CONTROL);
    expect(text).toContain("␛[2J");
  });

  it("--json: one document with every check, escaped, parsing back to the exact text", () => {
    const json = doctorJson(conclude(checks, "/db", "https://x.okta.com"));
    expect(json.trimEnd().split("\n")).toHaveLength(1);
    expect(json).not.toMatch(/[\u007f-\u009f\u202e]/);
    const doc = JSON.parse(json);
    expect(doc).toMatchObject({ verdict: "problems", exitCode: 1, org: "https://x.okta.com" });
    expect(doc.checks).toHaveLength(4);
    expect(doc.checks[1]).toEqual({
      id: "hook.status",
      name: `hook "${HOSTILE}" status`,
      status: "fail",
      detail: "INACTIVE: Okta sends it nothing",
      fix: "activate it",
    });
  });

  it("a check that could not be made decides the exit code and the verdict", () => {
    const r = conclude(
      [...checks, { ...fail("okta.org", "Okta org", "401", "new token"), cannotCheck: 5 as const }],
      "/db",
    );
    expect(r).toMatchObject({ verdict: "incomplete", exitCode: 5 });
    expect(renderDoctor(r, plain)).toMatch(/! incomplete: could not check Okta org \(exit 5\)/);
    expect(conclude([checks[0]!, checks[2]!], "/db")).toMatchObject({
      verdict: "healthy",
      exitCode: 0,
    });
  });
});

describe("wait output", () => {
  const match: WaitMatch = {
    seq: 7,
    deliveryId: "01jx0000000000007f3k2q9a",
    receivedAt: Date.parse("2026-11-20T14:02:11.482Z"),
    idx: 0,
    uuid: "fb4d3fa0-e4ea-11f1-8f21-1b6d3e9a7c42",
    eventType: "user.lifecycle.create",
    duplicate: false,
    forward: { state: "forwarded", status: 200, error: null },
    event: {
      uuid: "fb4d3fa0",
      published: "2026-11-20T14:02:10.000Z",
      displayMessage: `Create ${HOSTILE}`,
    },
  };

  it("a match line shows type, uuid, delivery, message and forwarding, safely", () => {
    const line = waitMatchLine(match, plain);
    expect(line).toContain("user.lifecycle.create  fb4d3fa0-e4ea-11f1-8f21-1b6d3e9a7c42  7f3k2q9a");
    expect(line).toContain("forwarded 200");
    expect(line).not.toMatch(CONTROL);
  });

  it("a match as NDJSON carries the LogEvent exactly", () => {
    const doc = JSON.parse(waitMatchJson(match));
    expect(doc).toMatchObject({
      uuid: match.uuid,
      deliveryId: match.deliveryId,
      receivedAt: "2026-11-20T14:02:11.482Z",
      published: "2026-11-20T14:02:10.000Z",
      forward: { state: "forwarded", status: 200 },
    });
    expect(doc.event).toEqual(match.event);
  });

  it("a timeout names the closest misses and why, and what else came", () => {
    const cond = parseMatchArg("outcome.result=FAILURE");
    const { seq, deliveryId, receivedAt, uuid, eventType } = match;
    const where = { seq, deliveryId, receivedAt, uuid, eventType };
    const report: WaitReport = {
      wanted: 2,
      counted: 1,
      sameType: 3,
      seen: 5,
      otherTypes: [{ eventType: "group.user_membership.add", count: 2 }],
      closest: [
        { ...where, held: 0, of: 1, failed: [evaluate({ outcome: { result: "SUCCESS" } }, cond)] },
        {
          ...where,
          held: 1,
          of: 1,
          failed: [],
          forward: { state: "failed", status: 502, error: null },
        },
      ],
    };
    const lines = waitTimeoutLines(report, {
      eventType: "user.lifecycle.*",
      timeout: "30s",
      db: "/db",
      listenerRunning: true,
      forwarded: true,
    });
    expect(lines[0]).toBe(
      "okhook: wait timed out after 30s: 1 of 2 matching user.lifecycle.* events (3 of that type arrived, 2 did not match)",
    );
    expect(lines[1]).toContain('outcome.result is "SUCCESS", not "FAILURE"');
    expect(lines[2]).toContain("the app answered 502, not 2xx");
    expect(lines[3]).toBe("  also arrived: 2 group.user_membership.add");
  });

  it("nothing at all: says whether a listener runs on the database", () => {
    const empty: WaitReport = {
      wanted: 1,
      counted: 0,
      sameType: 0,
      seen: 0,
      otherTypes: [],
      closest: [],
    };
    const ctx = { eventType: "x.*", timeout: "5s", db: "/db", forwarded: false };
    expect(waitTimeoutLines(empty, { ...ctx, listenerRunning: false }).at(-1)).toContain(
      "no okhook listen is running on /db",
    );
    expect(
      waitTimeoutLines(empty, { ...ctx, listenerRunning: true, listenerUrl: "http://l" }).at(-1),
    ).toContain("okhook doctor");
  });
});
