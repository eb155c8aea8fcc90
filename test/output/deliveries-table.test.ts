import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import type { CliContext } from "../../src/commands/context.js";
import { readEnv } from "../../src/config.js";
import { deliveriesTable } from "../../src/output/deliveries-table.js";
import { firstControl } from "../helpers/terminal.js";
import { requestRow, row } from "../helpers/ui.js";

function ctx(env: Record<string, string> = { NO_COLOR: "1" }, columns?: number): CliContext {
  return {
    env: readEnv(env),
    stdout: { isTTY: columns !== undefined, columns, write: () => true },
  } as unknown as CliContext;
}

/** Each line's text must start a column where the header's title does (a space before it). */
function expectAligned(lines: string[]): void {
  const starts = columnStarts(lines[0]!);
  for (const line of lines.slice(1)) {
    for (const s of starts.slice(1)) {
      let col = 0;
      let before = "";
      for (const { segment } of new Intl.Segmenter().segment(line)) {
        if (col === s - 1) before = segment;
        col += stringWidth(segment);
      }
      expect(before, `${line}\ncolumn at ${s}`).toBe(" ");
    }
  }
}

const ESC = String.fromCharCode(27);

/** The cell where each column starts in `line`, found from the header's column names. */
function columnStarts(header: string): number[] {
  return [...header.matchAll(/\S+/g)].map((m) => stringWidth(header.slice(0, m.index)));
}

/** The text of each column of `line`, cut at the header's column starts (in cells). */
function cellsOf(line: string, starts: number[]): string[] {
  const cells: string[] = [];
  let col = 0;
  let cell = "";
  let next = 1;
  for (const { segment } of new Intl.Segmenter().segment(line)) {
    if (next < starts.length && col >= starts[next]!) {
      cells.push(cell.trim());
      cell = "";
      next += 1;
    }
    cell += segment;
    col += stringWidth(segment);
  }
  cells.push(cell.trim());
  return cells;
}

const rows = [
  row({
    seq: 6,
    id: "01jx00000000000000aaaaaaaa",
    firstEventType: "用户.生命周期.创建",
    eventCount: 3,
    duplicateCount: 2,
  }),
  row({
    seq: 5,
    id: "01jx00000000000000bbbbbbbb",
    firstEventType: "🎉.party.emoji.👩‍💻",
    auth: "none",
    forwardState: "failed",
    forwardStatus: null,
    forwardError: "connection refused (127.0.0.1:3000)",
  }),
  requestRow({
    seq: 4,
    id: "01jx00000000000000cccccccc",
    kind: "rejected",
    status: 401,
    auth: "missing",
  }),
  requestRow({
    seq: 3,
    id: "01jx00000000000000dddddddd",
    kind: "method_not_allowed",
    method: "PUT",
    status: 405,
    auth: "none",
  }),
  row({
    seq: 2,
    id: "01jx00000000000000eeeeeeee",
    kind: "delivery",
    auth: "wrong",
    forwardState: "none",
    forwardStatus: null,
    eventCount: 1,
    firstEventType: "user.lifecycle.create",
    path: "/okta/events",
  }),
  requestRow({
    seq: 1,
    id: "01jx00000000000000ffffffff",
    kind: "not_found",
    method: "POST",
    path: `/${"very-long-path/".repeat(8)}`,
    status: 404,
    auth: "none",
  }),
];

describe("deliveries table", () => {
  it("keeps every column aligned in terminal cells, with CJK, emoji and long cells", () => {
    const lines = deliveriesTable(rows, ctx(), "/db").trimEnd().split("\n");
    const [header, ...body] = lines.slice(0, -1);
    const starts = columnStarts(header!);
    expect(header!.split(/\s+/)).toEqual([
      "RECEIVED",
      "ID",
      "KIND",
      "EVENTS",
      "DUP",
      "STATUS",
      "AUTH",
      "FORWARD",
      "ACK",
    ]);
    // every column starts where its title does: a space just before it, text at it
    expectAligned([header!, ...body]);
    const cells = body.map((l) => cellsOf(l, starts));
    expect(cells[0]!.slice(3, 8)).toEqual([
      "用户.生命周期.创建 +2",
      "2",
      "200",
      "ok",
      "forwarded 200",
    ]);
    expect(cells[1]!.slice(3, 8)).toEqual([
      "🎉.party.emoji.👩‍💻 +1",
      "",
      "200",
      "—",
      "failed connection refus…",
    ]);
  });

  it("gives each column one meaning whatever the kind of request", () => {
    const lines = deliveriesTable(rows, ctx(), "/db").split("\n");
    const starts = columnStarts(lines[0]!);
    const cells = lines.slice(1, 7).map((l) => cellsOf(l, starts));
    // STATUS: what okhook answered; AUTH: the auth header; FORWARD: only what forwarding did
    expect(cells.map((c) => c[5])).toEqual(["200", "200", "401", "405", "200", "404"]);
    expect(cells.map((c) => c[6])).toEqual(["ok", "—", "missing", "—", "wrong", "—"]);
    expect(cells.map((c) => c[7])).toEqual([
      "forwarded 200",
      "failed connection refus…",
      "—",
      "—",
      "captured",
      "—",
    ]);
    expect(cells[2]![3]).toBe("POST /okta/events");
    expect(cells[5]![3]!.endsWith("…")).toBe(true);
    expect(lines.join("\n")).not.toMatch(/sent|no auth|auth missing|dup/);
  });

  it("fits an 80-column terminal: short times and kinds, no ACK, EVENTS cut with …", () => {
    const now = rows[0]!.receivedAt;
    const wide = deliveriesTable(rows, ctx(), "/db", now).split("\n");
    expect(Math.max(...wide.map((l) => stringWidth(l)))).toBeGreaterThan(100);
    const lines = deliveriesTable(rows, ctx({ NO_COLOR: "1" }, 80), "/db", now)
      .trimEnd()
      .split("\n");
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    expect(lines[0]!.split(/\s+/)).toEqual([
      "RECEIVED",
      "ID",
      "KIND",
      "EVENTS",
      "DUP",
      "STATUS",
      "AUTH",
      "FORWARD",
    ]);
    const body = lines.slice(1, -1);
    expectAligned(lines.slice(0, -1));
    const starts = columnStarts(lines[0]!);
    const cells = body.map((l) => cellsOf(l, starts));
    expect(cells[0]![0]).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(cells.map((c) => c[2])).toEqual([
      "delivery",
      "delivery",
      "rejected",
      "405",
      "delivery",
      "404",
    ]);
    expect(cells[0]![3]!.endsWith("…")).toBe(true);
    // a day other than today keeps its date, in short
    const older = deliveriesTable(rows, ctx({ NO_COLOR: "1" }, 80), "/db", now + 86_400_000);
    expect(older.split("\n")[1]).toMatch(/^\d\d-\d\d \d\d:\d\d {2}/);
    // a page that was not full: there is nothing older to page to
    expect(older.trimEnd().split("\n").at(-1)).toMatch(/ · older: --before \w{8}/);
    const last = deliveriesTable(rows, ctx({ NO_COLOR: "1" }, 80), "/db", now, false);
    expect(last.trimEnd().split("\n").at(-1)).toBe(
      `${rows.length} shown · details: okhook show <id>`,
    );
  });

  it("says — for what okhook did not answer (its own replays and backfills), and flags slow forwards", () => {
    const mine = [
      row({
        seq: 3,
        kind: "replay",
        status: 0,
        ackMs: null,
        auth: "none",
        remoteAddr: null,
        replayOf: "01jx",
      }),
      row({ seq: 2, kind: "backfill", status: 200, ackMs: null, auth: "none", remoteAddr: null }),
      row({ seq: 1, forwardMs: 3500 }),
    ];
    const lines = deliveriesTable(mine, ctx(), "/db").trimEnd().split("\n");
    const starts = columnStarts(lines[0]!);
    const cells = lines.slice(1, 4).map((l) => cellsOf(l, starts));
    expect(cells.map((c) => [c[5], c[6], c[8]])).toEqual([
      ["—", "—", "—"],
      ["—", "—", "—"],
      ["200", "ok", "1.0ms"],
    ]);
    expect(cells.map((c) => c[7])).toEqual([
      "forwarded 200",
      "forwarded 200",
      "forwarded 200 slow",
    ]);
    expect(lines.at(-1)).toContain("slow: the app took over 3 s (Okta would have timed out)");
  });

  it("shows control characters in stored text instead of sending them to the terminal", () => {
    const evil = row({
      firstEventType: `x${ESC}[2J\u009b1m\u202e`,
      path: `/a${ESC}]52;c;aGk=\u0007`,
    });
    const out = deliveriesTable([evil], ctx({ FORCE_COLOR: "1" }), "/db");
    expect(firstControl(out)).toBeNull();
    expect(out).toContain("x␛[2J<U+009B>1m<U+202E>");
  });
});
