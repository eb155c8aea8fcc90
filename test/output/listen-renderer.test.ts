import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { RoutingTable } from "../../src/forward/routes.js";
import { type StatusInfo, statusBlock } from "../../src/output/listen-renderer.js";

const block = (...specs: string[]) => {
  const routes = RoutingTable.parse(specs).routes.map((r) => ({
    pattern: r.pattern,
    target: r.target,
  }));
  const info: StatusInfo = {
    version: "0.0.0",
    secret: undefined,
    secretGenerated: false,
    showSecret: false,
    authHeader: "authorization",
    targets: [...new Set(routes.map((r) => r.target))],
    routes,
    tunnelMode: "none",
  };
  return statusBlock(new Chalk({ level: 0 }), info, {
    type: "listening",
    localUrl: "http://127.0.0.1:8080",
    hookUrl: "http://127.0.0.1:8080/okta/events",
    db: "/tmp/okhook.db",
    resumed: 0,
  });
};

describe("listen status block: Forward to", () => {
  it("says per target what it receives and how a mixed batch goes", () => {
    const out = block("user.lifecycle.*=localhost:3000/users", "localhost:3000/");
    // before: "user.lifecycle.* → http://localhost:3000/users, http://localhost:3000/", which
    // reads as if both targets were for that pattern
    expect(out).toContain(
      [
        "  Forward to    http://localhost:3000/users ← user.lifecycle.*",
        "                http://localhost:3000/ ← everything else",
        "                a batch goes whole (all its events, Okta's bytes) to each target one of its events routes to",
      ].join("\n"),
    );
  });

  it("shows a single catch-all target bare", () => {
    expect(block("3000")).toContain("  Forward to    http://localhost:3000/\n  Database");
  });
});
