import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { attemptLines, httpHeaderLines as redactedHeaders } from "../../src/ui/detail-lines.js";
import { headerLines } from "../../src/ui/header-lines.js";
import { bodyLines } from "../../src/ui/json-lines.js";
import { screenLayout } from "../../src/ui/layout.js";
import { rowLayout, rowLine, titleLine } from "../../src/ui/row-format.js";
import { clipLine, lineText, safe, seg } from "../../src/ui/text.js";
import type { HeaderInfo } from "../../src/ui/types.js";
import { header, row } from "../helpers/ui.js";

describe("list rows", () => {
  it.each([80, 100, 120, 200])("fit exactly in %i columns with the event type readable", (w) => {
    const layout = rowLayout(w);
    const line = lineText(rowLine(row(), layout, { selected: true, replayed: false }));
    expect(line).toHaveLength(w);
    expect(lineText(titleLine(layout))).toHaveLength(w);
    expect(line).toContain("group.user_membership.add");
  });

  it.each([80, 120])(
    "fit exactly in %i terminal cells with CJK, emoji and control characters",
    (w) => {
      const layout = rowLayout(w);
      for (const firstEventType of [
        "用户.生命周期.创建.测试.事件.很长的名字.用户.生命周期",
        "🎉.party.👩‍💻.emoji.events.🎉.party.👩‍💻.emoji.events",
        "evil\u202e\u001b[2J.type",
      ]) {
        const line = lineText(
          rowLine(row({ firstEventType }), layout, { selected: false, replayed: false }),
        );
        expect(stringWidth(line), line).toBe(w);
      }
      expect(stringWidth(lineText(clipLine([seg("漢字漢字漢字")], 7)))).toBe(7);
    },
  );

  it("shows markers for duplicates, replays and Okta's 3 s timeout", () => {
    const line = lineText(
      rowLine(row({ duplicateCount: 1, forwardMs: 3400 }), rowLayout(120), {
        selected: false,
        replayed: true,
      }),
    );
    expect(line.slice(0, 4)).toBe(" ≡↻!");
    expect(line).toContain("3.4s");
  });

  it("says what a non-delivery is and what the forward did", () => {
    const narrow = rowLayout(80);
    const verify = lineText(
      rowLine(
        row({ kind: "verification", method: "GET", eventCount: 0, forwardState: "none" }),
        narrow,
        {
          selected: false,
          replayed: false,
        },
      ),
    );
    expect(verify).toContain("verify GET /okta/events");
    // FORWARD says only what forwarding did: a verification is never forwarded
    expect(verify).not.toContain("sent");
    expect(verify).toMatch(/ ok +— +12ms$/);
    const failed = lineText(
      rowLine(
        row({
          forwardState: "failed",
          forwardStatus: null,
          forwardError: "connection refused (127.0.0.1:3000)",
        }),
        narrow,
        { selected: false, replayed: false },
      ),
    );
    expect(failed).toContain("✗ refused");
  });
});

describe("detail lines", () => {
  it("pretty-prints and highlights JSON bodies; raw text otherwise", () => {
    const lines = bodyLines('{"a":[1,true,null,"x"]}');
    expect(lines.map(lineText)).toEqual([
      "{",
      '  "a": [',
      "    1,",
      "    true,",
      "    null,",
      '    "x"',
      "  ]",
      "}",
    ]);
    expect(lines[1]!.find((s) => s.text === '"a"')?.tone).toBe("key");
    expect(lines[2]!.find((s) => s.text === "1")?.tone).toBe("number");
    expect(bodyLines("not json").map(lineText)).toEqual(["(not JSON: raw text)", "not json"]);
    expect(bodyLines(null).map(lineText)).toEqual(["(body not stored)"]);
  });

  it("never prints an auth value, and neutralises terminal escapes in stored text", () => {
    const lines = redactedHeaders(
      [
        ["X-Okta-Secret", "should-not-show"],
        ["Authorization", "also-hidden"],
        ["x-evil", `a${String.fromCharCode(27)}[2Jb`],
      ],
      "x-okta-secret",
    ).map(lineText);
    expect(lines).toEqual([
      "X-Okta-Secret: [redacted]",
      "Authorization: [redacted]",
      "x-evil: a␛[2Jb",
    ]);
    expect(safe("a\tb")).toBe("a  b");
  });

  it("lists attempts newest first with errors and the slow warning", () => {
    const lines = attemptLines([
      {
        id: 1,
        deliverySeq: 1,
        kind: "forward",
        target: "http://t/",
        attempt: 1,
        startedAt: 0,
        durationMs: 3500,
        status: null,
        error: "no answer within 3000 ms",
        response: null,
        slow: true,
      },
      {
        id: 2,
        deliverySeq: 1,
        kind: "replay",
        target: "http://t/",
        attempt: 2,
        startedAt: 0,
        durationMs: 5,
        status: 200,
        error: null,
        response: "ok",
        slow: false,
      },
    ]).map(lineText);
    expect(lines[0]).toContain("↻ replay  #2 200");
    expect(lines.join("\n")).toContain("Okta would have timed out here");
    expect(lines.join("\n")).toContain("error no answer within 3000 ms");
  });
});

describe("header and layout", () => {
  it("never cuts the URL to paste at 80 columns: the secret moves to its own line", () => {
    const h = header({
      tunnel: { state: "ready", publicUrl: "https://quiet-river-fox-lamp.trycloudflare.com" },
      publicHookUrl: "https://quiet-river-fox-lamp.trycloudflare.com/okta/events",
    });
    const narrow = headerLines(h, null, 5, 80).map(lineText);
    expect(narrow).toHaveLength(5);
    expect(narrow[1]).toBe(
      "Paste into Okta  https://quiet-river-fox-lamp.trycloudflare.com/okta/events",
    );
    expect(narrow[2]).toBe("Secret  authorization: hunt…2222");
    expect(headerLines(h, null, 5, 160)).toHaveLength(4);
  });

  it("okhook ui says whether a listener runs: its URL and pid, or the last URL as not running", () => {
    const url = "http://127.0.0.1:8787/okta/events";
    const line = (listener: HeaderInfo["listener"]) =>
      lineText(
        headerLines(header({ mode: "ui", listener, secretLabel: undefined }), null, 5, 120)[1]!,
      ).trimEnd();
    expect(line({ running: true, pid: 4242, url })).toBe(`● listening at ${url} (pid 4242)`);
    expect(line({ running: false, lastUrl: url })).toBe(`○ no listener running (last: ${url})`);
    expect(line({ running: false })).toBe("○ no listener running  (start one: okhook listen)");
  });

  it("fills the terminal minus one line and keeps a list next to the detail pane", () => {
    const closed = screenLayout({ columns: 80, rows: 24 }, false, 5);
    expect(closed).toMatchObject({ height: 23, listRows: 15, detailRows: 0 });
    const open = screenLayout({ columns: 80, rows: 24 }, true, 5);
    expect(open.listRows).toBeGreaterThanOrEqual(3);
    // header + status + list titles + rows + summary + tabs + content + footer
    expect(5 + 1 + 1 + open.listRows + 2 + open.detailRows + 1).toBe(23);
  });
});
