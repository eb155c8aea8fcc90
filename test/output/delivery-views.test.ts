import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import type { CliContext } from "../../src/commands/context.js";
import { readEnv } from "../../src/config.js";
import { deliveriesTable } from "../../src/output/deliveries-table.js";
import { deliveryLine } from "../../src/output/delivery-lines.js";
import { colorFor } from "../../src/output/format.js";
import { showText } from "../../src/output/show-render.js";
import type { DeliveryKind, DeliveryRow } from "../../src/store/types.js";
import { forwardLabel } from "../../src/ui/row-format.js";
import { requestRow, row } from "../helpers/ui.js";

const ctx = {
  env: readEnv({ NO_COLOR: "1" }),
  stdout: { isTTY: false, write: () => true },
} as unknown as CliContext;
const c = colorFor(ctx.stdout, ctx.env);

/** The Forward field of `okhook show`. */
function showForward(r: DeliveryRow): string {
  const text = showText({ delivery: r, body: null, events: [], attempts: [] }, ctx);
  return /^ {2}Forward +(.*)$/m.exec(text)![1]!.trim();
}

/** The FORWARD cell of `okhook deliveries` (one row). */
function tableForward(r: DeliveryRow): string {
  const [header, line] = deliveriesTable([r], ctx, "/db").split("\n");
  const start = header!.indexOf("FORWARD");
  return line!.slice(start, header!.indexOf("ACK")).trim();
}

const NEVER: DeliveryKind[] = [
  "verification",
  "rejected",
  "invalid",
  "not_found",
  "method_not_allowed",
  "too_large",
];

describe("every view says the same about a delivery", () => {
  it("Forward: — for a request that is never forwarded, captured for one kept with no target", () => {
    for (const kind of NEVER) {
      const r = requestRow({ kind });
      const seen = {
        kind,
        show: showForward(r),
        deliveries: tableForward(r),
        tui: forwardLabel(r)[0],
        compactCaptured: deliveryLine(c, r as DeliveryRow & { ackMs: number }).includes("captured"),
      };
      expect(seen).toEqual({ kind, show: "—", deliveries: "—", tui: "—", compactCaptured: false });
    }
    const kept = row({ forwardState: "none", forwardStatus: null });
    expect([showForward(kept), tableForward(kept), forwardLabel(kept)[0]]).toEqual([
      "captured",
      "captured",
      "captured",
    ]);
    expect(deliveryLine(c, kept as DeliveryRow & { ackMs: number })).toContain("→ captured");
  });

  it("listen --output compact fits an 80-column terminal; piped lines stay whole", () => {
    const lines = [
      row({
        forwardState: "pending",
        duplicateCount: 1,
        firstEventType: "application.user_membership.change_username",
      }),
      row({
        kind: "method_not_allowed",
        method: "PUT",
        status: 405,
        auth: "missing",
        eventCount: 0,
        firstEventType: null,
        reason: "method PUT not allowed",
        forwardState: "none",
      }),
    ].map((r) => r as DeliveryRow & { ackMs: number });
    for (const d of lines) {
      const full = deliveryLine(c, d);
      expect(stringWidth(full)).toBeGreaterThan(100);
      const narrow = deliveryLine(c, d, 80);
      expect(stringWidth(narrow), narrow).toBeLessThanOrEqual(80);
      expect(narrow).toContain(d.id.slice(-8));
    }
    expect(deliveryLine(c, lines[0]!, 80)).toMatch(
      /application\.user_\S*… \(1 dup\) {2}auth ok +200$/,
    );
    expect(deliveryLine(c, lines[1]!, 80)).toMatch(/ 405 +PUT \/okta\/events.*auth missing +405$/);
    // piped: nothing cut, the long kind shortened so the columns after it stay put
    expect(deliveryLine(c, lines[0]!)).toContain(
      "application.user_membership.change_username +1 (1 dup)",
    );
    expect(deliveryLine(c, lines[1]!)).toMatch(
      / 405 {11}PUT \/okta\/events method PUT not allowed +auth missing +405 /,
    );
  });

  it("show: a row okhook wrote says who sent it, not Received … from ? / Answered 0", () => {
    const replay = row({
      kind: "replay",
      status: 0,
      ackMs: null,
      auth: "none",
      remoteAddr: null,
      replayOf: "01jx00000000000000original",
    });
    const text = showText({ delivery: replay, body: null, events: [], attempts: [] }, ctx);
    expect(text).toMatch(
      /^ {2}Sent +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d by okhook replay of 01jx00000000000000original /m,
    );
    expect(text).not.toMatch(/Received|Answered|from \?/);
    const backfill = row({
      kind: "backfill",
      status: 200,
      ackMs: null,
      auth: "none",
      remoteAddr: null,
    });
    const b = showText({ delivery: backfill, body: null, events: [], attempts: [] }, ctx);
    expect(b).toMatch(/^ {2}Sent .* by okhook reconcile --replay-missing/m);
    expect(b).not.toMatch(/Answered/);
    // a backfill the listener received (it went through okhook listen) is shown as received
    const received = row({ kind: "backfill", ackMs: 0.8 });
    expect(showText({ delivery: received, body: null, events: [], attempts: [] }, ctx)).toMatch(
      /^ {2}Received .* from 127\.0\.0\.1$/m,
    );
  });
});
