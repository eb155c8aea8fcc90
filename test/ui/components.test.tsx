import type { ReactElement } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { curlParts } from "../../src/output/curl.js";
import { wrapCommand } from "../../src/ui/curl-lines.js";
import { DeliveryList } from "../../src/ui/DeliveryList.js";
import { DetailPane } from "../../src/ui/DetailPane.js";
import { tabLines } from "../../src/ui/detail-lines.js";
import { FilterPrompt } from "../../src/ui/FilterPrompt.js";
import { Footer } from "../../src/ui/Footer.js";
import { Header } from "../../src/ui/Header.js";
import { CurlOverlay, HELP_KEYS, HelpOverlay } from "../../src/ui/HelpOverlay.js";
import { headerLines } from "../../src/ui/header-lines.js";
import { lineText } from "../../src/ui/text.js";
import { ColorContext } from "../../src/ui/theme.js";
import type { DeliveryDetail } from "../../src/ui/types.js";
import { event, header, mount, plain, row, unmountAll } from "../helpers/ui.js";

afterEach(unmountAll);

const COLOUR_SGR = new RegExp(`${String.fromCharCode(27)}\\[(3[0-7]|9[0-7]|38;|4[0-7]|10[0-7])`);

/** Render with colours off and return the frame as text. */
function frame(el: ReactElement): string {
  const r = mount(<ColorContext.Provider value={false}>{el}</ColorContext.Provider>);
  const raw = r.lastFrame() ?? "";
  expect(raw).not.toMatch(COLOUR_SGR);
  return plain(raw);
}

const detail: DeliveryDetail = {
  delivery: row({ id: `01jx${"0".repeat(14)}7f3k2q9a` }),
  events: [
    { ...event("user.lifecycle.create", "uuid-1"), deliverySeq: 1, idx: 0, duplicate: false },
    { ...event("group.user_membership.add", "uuid-2"), deliverySeq: 1, idx: 1, duplicate: true },
  ],
  attempts: [],
  body: '{"data":{"events":[{"uuid":"uuid-1"}]}}',
};

describe("Header", () => {
  it("shows what to paste, the masked secret, targets with health and counters", () => {
    const h = header({
      tunnel: { state: "ready", publicUrl: "https://a-b.trycloudflare.com" },
      publicHookUrl: "https://a-b.trycloudflare.com/okta/events",
      targets: [
        { receives: "user.*", target: "http://localhost:4000/", health: "down", reason: "refused" },
        { receives: "everything else", target: "http://localhost:3000/", health: "up" },
      ],
    });
    const counters = {
      received: 12,
      forwarded: 10,
      failed: 1,
      pending: 0,
      duplicates: 2,
      rejected: 1,
      invalid: 0,
      verifications: 1,
    };
    const lines = headerLines(h, counters, 1234, 100);
    const out = frame(<Header lines={lines} />);
    expect(out).toContain("Paste into Okta  https://a-b.trycloudflare.com/okta/events");
    expect(out).toContain("authorization: hunt…2222");
    expect(out).toContain("tunnel ● ready");
    // per target what it receives (not "user.* → A, B", read as if both took user.*)
    expect(lineText(lines[2]!)).toBe(
      "Forward to  ● http://localhost:4000/ ← user.* down: refused   ● http://localhost:3000/ ← everything else up",
    );
    expect(out).toContain("12 received  10 forwarded  1 failed  2 dup  1 rejected  1 verify");
    expect(out).not.toContain("not stored");
    const flooded = frame(
      <Header lines={headerLines(h, { ...counters, notStored: 1708 }, 1234, 100)} />,
    );
    expect(flooded).toContain("1 rejected  1,708 not stored (flood)  1 verify");
  });
});

describe("DeliveryList", () => {
  const rows = [3, 2, 1].map((seq) => row({ seq, id: `01jx${"0".repeat(20)}${seq}a` }));

  it("renders column titles and only the visible rows, marking the selection", () => {
    const out = frame(
      <DeliveryList
        rows={rows}
        cursor={1}
        scrollTop={0}
        height={2}
        width={100}
        replayed={new Set([2])}
        filtering={false}
      />,
    );
    const lines = out.split("\n");
    expect(lines[0]).toMatch(/TIME\s+ID\s+KIND\s+EV\s+EVENT TYPE\s+AUTH\s+FORWARD\s+MS/);
    expect(lines).toHaveLength(3);
    expect(lines[1]!.startsWith(" ")).toBe(true);
    expect(lines[2]!.startsWith("› ↻")).toBe(true);
    expect(lines[2]).toContain("group.user_membership.add");
    expect(lines[2]).toContain("✓ 200");
  });

  it("explains an empty list, with and without a filter", () => {
    const props = { cursor: 0, scrollTop: 0, height: 3, width: 100, replayed: new Set<number>() };
    expect(frame(<DeliveryList rows={[]} filtering={false} {...props} />)).toContain(
      "No deliveries yet. Send one: okhook send fixture user.lifecycle.create",
    );
    expect(frame(<DeliveryList rows={[]} filtering={true} {...props} />)).toContain(
      "No delivery matches the filter. Esc clears it.",
    );
  });
});

describe("DetailPane", () => {
  it("shows the summary, the tab bar (active tab bracketed without colour) and the tab content", () => {
    const out = frame(
      <DetailPane
        detail={detail}
        tab="events"
        lines={tabLines(detail, "events", "authorization")}
        scroll={0}
        height={8}
        width={100}
      />,
    );
    expect(out).toContain("7f3k2q9a  POST /okta/events → 200");
    expect(out).toContain("[Events]│ Body │ Headers │ Attempts (0) │");
    expect(out).toContain("#1 user.lifecycle.create");
    expect(out).toContain("#2 group.user_membership.add  duplicate (uuid seen before)");
  });

  it("says a row okhook wrote was sent by okhook, not answered with status 0", () => {
    const mine = {
      ...detail,
      delivery: {
        ...detail.delivery,
        kind: "replay" as const,
        status: 0,
        ackMs: null,
        auth: "none" as const,
      },
    };
    const out = frame(
      <DetailPane detail={mine} tab="events" lines={[]} scroll={0} height={3} width={100} />,
    );
    expect(out).toContain("7f3k2q9a  POST /okta/events  sent by okhook  replay");
    expect(out).not.toMatch(/→ 0|auth none/);
  });

  it("scrolls long content and says where it is", () => {
    const lines = tabLines(detail, "body", "authorization");
    const out = frame(
      <DetailPane detail={detail} tab="body" lines={lines} scroll={2} height={3} width={100} />,
    );
    expect(out).toContain(`3–5 of ${lines.length} lines (PgUp/PgDn)`);
    expect(out).toContain('"events": [');
    expect(out).not.toContain('"data": {');
  });
});

describe("prompt, overlays and footer", () => {
  it("FilterPrompt shows what is typed and how to finish", () => {
    expect(frame(<FilterPrompt text="user.* failed" />)).toContain(
      "/ user.* failed█  Enter apply · Esc cancel",
    );
  });

  it("HelpOverlay lists every key", () => {
    const out = frame(<HelpOverlay height={30} />);
    for (const [keys] of HELP_KEYS) expect(out).toContain(keys);
    expect(out).toContain("Okta would time out");
  });

  it("CurlOverlay: a pretty-printed body is never inline; the command wraps cleanly at 80 columns", () => {
    const body = Buffer.from(JSON.stringify({ data: { events: [{ a: 1 }, { b: "x" }] } }, null, 2));
    const parts = curlParts({
      url: "http://127.0.0.1:8787/okta/events",
      method: "POST",
      headers: [
        ["content-type", "application/json"],
        ["user-agent", "Okta Hook Service v1.0.0"],
        ["x-okta-request-id", "aQ7x".repeat(10)],
        ["authorization", "[redacted]"],
      ],
      body,
      authHeader: "authorization",
      bodyFrom: { show: "01JX0000000000000000000000", db: "/tmp/hooks.db" },
    });
    const curl = { parts, copy: { copied: false, note: "clipboard off (OKHOOK_CLIPBOARD)" } };
    const lines = frame(<CurlOverlay curl={curl} width={80} height={20} />).split("\n");
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines.join("\n")).not.toContain('"events"');
    expect(lines[1]).toContain("clipboard off (OKHOOK_CLIPBOARD)");
    const command = lines.slice(3).join("\n").trimEnd();
    expect(
      command.startsWith("okhook show 01JX0000000000000000000000 --db '/tmp/hooks.db' --body |"),
    ).toBe(true);
    // the lines pasted together are the command: each ends in " \\" but the last
    expect(command.replace(/ \\\n {2}/g, " ")).toBe(parts.join(" "));
    expect(command.endsWith("--data-binary @-")).toBe(true);
  });

  it("wrapCommand keeps every line inside the width, even for a group wider than the screen", () => {
    const lines = wrapCommand(
      ["curl -X POST 'http://x'", `-H 'x: ${"a".repeat(100)}'`, "-d @-"],
      40,
    );
    expect(lines.every((l) => l.length <= 40)).toBe(true);
    expect(lines[0]).toBe("curl -X POST 'http://x' \\");
    expect(lines.at(-1)).toBe("  -d @-");
  });

  it("Footer shows key hints, or a message when there is one", () => {
    const base = { flash: null, busy: null, stopping: false, detailOpen: false };
    expect(frame(<Footer {...base} />)).toContain("↑↓ move  Enter detail  / filter  r replay");
    expect(frame(<Footer {...base} detailOpen={true} />)).toContain("Tab tab");
    expect(frame(<Footer {...base} flash={{ text: "replayed → 200", tone: "ok" }} />)).toContain(
      "replayed → 200",
    );
    expect(frame(<Footer {...base} stopping={true} />)).toContain("Stopping");
  });
});
