import { describe, expect, it } from "vitest";
import { headerLines } from "../../src/ui/header-lines.js";
import { applyHeaderEvent } from "../../src/ui/header-state.js";
import { lineText } from "../../src/ui/text.js";
import { header } from "../helpers/ui.js";

const URL = "https://quiet-river-fox-lamp.trycloudflare.com";
const base = header({ tunnel: { state: "starting" } });

describe("the header follows the tunnel's real connection", () => {
  it("reconnecting: says so and why, keeps the URL to paste (it does not change), then ready again", () => {
    const ready = applyHeaderEvent(base, {
      type: "tunnel",
      state: "ready",
      publicUrl: URL,
      hookUrl: `${URL}/okta/events`,
    }).header!;
    const down = applyHeaderEvent(ready, {
      type: "tunnel",
      state: "reconnecting",
      publicUrl: URL,
      hookUrl: `${URL}/okta/events`,
      reason: "Failed to serve tunnel connection: drop",
      downForMs: 0,
    });
    expect(down.flash).toEqual({
      text: "tunnel reconnecting: Failed to serve tunnel connection: drop",
      tone: "warn",
    });
    const lines = headerLines(down.header!, null, 0, 200).map(lineText);
    expect(lines[0]).toContain("tunnel ● reconnecting… (Failed to serve tunnel connection: drop)");
    expect(lines[1]).toContain(`Paste into Okta  ${URL}/okta/events`);
    const again = applyHeaderEvent(down.header!, {
      type: "tunnel",
      state: "ready",
      publicUrl: URL,
      hookUrl: `${URL}/okta/events`,
    });
    expect(headerLines(again.header!, null, 0, 200).map(lineText)[0]).toContain("tunnel ● ready");
    // nothing to paste again: the URL did not change
    expect(again.flash).toEqual({ text: "tunnel ready again (same URL)", tone: "ok" });
    const other = "https://new-words-here-now.trycloudflare.com";
    const moved = applyHeaderEvent(again.header!, {
      type: "tunnel",
      state: "ready",
      publicUrl: other,
      hookUrl: `${other}/okta/events`,
    });
    expect(moved.flash).toMatchObject({ text: expect.stringMatching(/URL CHANGED/), tone: "warn" });
  });

  it("stopped at shutdown is not shown as a failure", () => {
    const stopped = applyHeaderEvent(base, {
      type: "tunnel",
      state: "stopped",
      reason: "cloudflared unregistered its connection and exited",
    });
    expect(stopped.flash?.tone).toBe("dim");
    expect(headerLines(stopped.header!, null, 0, 200).map(lineText)[0]).toContain(
      "tunnel ● stopped",
    );
  });
});
