import type { LogEvent } from "../../../src/okta/types.js";
import { type FakeReply, oktaError } from "./okta-shapes.js";
import { compileFilter, FilterSyntaxError } from "./scim-filter.js";

const DAY_MS = 86_400_000;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const MAX_SINCE_AGE_MS = 180 * DAY_MS;
const DEFAULT_SPAN_MS = 7 * DAY_MS;

interface Stored {
  seq: number;
  publishedMs: number;
  event: LogEvent;
}

interface Cursor {
  p: number;
  s: number;
}

/** How a page's Link header should be broken, for hostile-server tests. */
export type LinkMode = "normal" | "missing" | "looping";

/** The fake's System Log: bounded and polling queries with Okta's paging rules (§5, §9). */
export class FakeSystemLog {
  private readonly events: Stored[] = [];
  private seq = 0;

  /** Append events (they keep their uuid and published). */
  add(events: LogEvent[]): void {
    for (const event of events) {
      const publishedMs = Date.parse(String(event.published));
      this.events.push({ seq: ++this.seq, publishedMs, event });
    }
  }

  /** Every stored event, in insertion order. */
  all(): LogEvent[] {
    return this.events.map((e) => e.event);
  }

  /** Answer `GET /api/v1/logs`. `origin` builds absolute self/next links. */
  query(url: URL, nowMs: number, origin: string, linkMode: LinkMode = "normal"): FakeReply {
    const parsed = parseParams(url.searchParams, nowMs);
    if ("status" in parsed) return parsed;
    const { since, until, bounded, limit, descending, filter, after } = parsed;
    const key = (e: Stored): Cursor => ({ p: bounded ? e.publishedMs : 0, s: e.seq });
    const order = (a: Cursor, b: Cursor) => (a.p - b.p || a.s - b.s) * (descending ? -1 : 1);
    const candidates = this.events
      .filter((e) => e.publishedMs >= since && e.publishedMs < until && filter(e.event))
      .filter((e) => after === undefined || order(key(e), after) > 0)
      .sort((a, b) => order(key(a), key(b)));
    const page = candidates.slice(0, limit);
    const more = candidates.length > limit;
    const self = `${origin}${url.pathname}${url.search}`;
    const links = [`<${self}>; rel="self"`];
    const last = page.at(-1);
    // A polling query with nothing new keeps its place: the next link repeats the cursor.
    const cursor = last ? key(last) : (after ?? { p: 0, s: this.seq });
    if (linkMode === "looping") {
      links.push(`<${self}>; rel="next"`);
    } else if (more || !bounded) {
      const next = new URL(url.pathname, origin);
      for (const [k, v] of url.searchParams) if (k !== "after") next.searchParams.append(k, v);
      next.searchParams.set("after", encodeCursor(cursor));
      links.push(`<${next.toString()}>; rel="next"`);
    }
    const headers: Record<string, string[]> = linkMode === "missing" ? {} : { link: links };
    return { status: 200, body: page.map((e) => e.event), headers };
  }
}

interface Params {
  since: number;
  until: number;
  bounded: boolean;
  limit: number;
  descending: boolean;
  filter: (item: unknown) => boolean;
  after: Cursor | undefined;
}

function invalid(cause: string): FakeReply {
  return oktaError(400, "E0000053", "Invalid request.", [cause]);
}

function parseParams(p: URLSearchParams, nowMs: number): Params | FakeReply {
  const untilRaw = p.get("until");
  const until = untilRaw === null ? nowMs + 1 : Date.parse(untilRaw);
  if (!Number.isFinite(until)) return invalid("Invalid value for until parameter.");
  const sinceRaw = p.get("since");
  const since = sinceRaw === null ? until - DEFAULT_SPAN_MS : Date.parse(sinceRaw);
  if (!Number.isFinite(since)) return invalid("Invalid value for since parameter.");
  if (nowMs - since > MAX_SINCE_AGE_MS) {
    return invalid("since parameter is over 180 days prior to the current day.");
  }
  const limitRaw = p.get("limit") ?? String(DEFAULT_LIMIT);
  if (!/^\d+$/.test(limitRaw)) return invalid("Invalid value for limit parameter.");
  const sortOrder = p.get("sortOrder") ?? "ASCENDING";
  if (sortOrder !== "ASCENDING" && sortOrder !== "DESCENDING") {
    return invalid("Invalid value for sortOrder parameter.");
  }
  let filter: (item: unknown) => boolean = () => true;
  const filterRaw = p.get("filter");
  if (filterRaw !== null) {
    try {
      filter = compileFilter(filterRaw);
    } catch (err) {
      if (err instanceof FilterSyntaxError) return invalid(`Invalid filter: ${err.message}`);
      throw err;
    }
  }
  const afterRaw = p.get("after");
  const after = afterRaw === null ? undefined : decodeCursor(afterRaw);
  if (after === null) return invalid("Invalid value for after parameter.");
  const limit = Math.min(Number(limitRaw), MAX_LIMIT);
  return {
    since,
    until,
    bounded: untilRaw !== null,
    limit,
    descending: sortOrder === "DESCENDING",
    filter,
    after,
  };
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.p}:${c.s}`).toString("base64url");
}

function decodeCursor(raw: string): Cursor | null {
  const m = /^(-?\d+):(\d+)$/.exec(Buffer.from(raw, "base64url").toString("utf8"));
  return m ? { p: Number(m[1]), s: Number(m[2]) } : null;
}
