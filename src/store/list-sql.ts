import { globMatcher } from "../event-type-glob.js";
import type { Db } from "./db.js";
import type { ListQuery, StatusAny } from "./types.js";

/** SQL function `--event-type` and the TUI filter match with: okhook's glob engine, not GLOB. */
const EVENT_TYPE_GLOB_FN = "okhook_event_type_glob";

/** Register the SQL functions the list query uses on a connection. */
export function registerListFunctions(db: Db): void {
  // one query at a time asks with one pattern: keep its compiled matcher
  let last: { pattern: string; matches: (type: string) => boolean } | undefined;
  db.function(EVENT_TYPE_GLOB_FN, { deterministic: true }, (pattern, type) => {
    if (typeof pattern !== "string" || typeof type !== "string") return 0;
    if (last?.pattern !== pattern) last = { pattern, matches: globMatcher(pattern) };
    return last.matches(type) ? 1 : 0;
  });
}

/** Build the keyset-paged list query. Never OFFSET: `seq < ?` walks the primary key. */
export function listSql(columns: string, q: ListQuery): { sql: string; params: unknown[] } {
  const { where, params } = whereSql(q);
  const order = q.order
    ? q.order.toUpperCase()
    : q.afterSeq !== undefined && q.beforeSeq === undefined
      ? "ASC"
      : "DESC";
  const sql = `SELECT ${columns} FROM deliveries${where}
    ORDER BY seq ${order} LIMIT ?`;
  params.push(q.limit);
  return { sql, params };
}

/** Count what a list query would return without its limit. */
export function countSql(q: Omit<ListQuery, "limit">): { sql: string; params: unknown[] } {
  const { where, params } = whereSql(q);
  return { sql: `SELECT COUNT(*) AS n FROM deliveries${where}`, params };
}

/** Last attempt of the row is 2xx: NULL (no attempt, network error) counts as not. */
const LAST_ATTEMPT_OK = `(SELECT a.status BETWEEN 200 AND 299 FROM attempts a
  WHERE a.delivery_seq = deliveries.seq ORDER BY a.id DESC LIMIT 1)`;

function whereSql(q: Omit<ListQuery, "limit">): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const inList = (col: string, values: readonly unknown[]) => {
    where.push(`${col} IN (${values.map(() => "?").join(",")})`);
    params.push(...values);
  };
  if (q.beforeSeq !== undefined) {
    where.push("seq < ?");
    params.push(q.beforeSeq);
  }
  if (q.afterSeq !== undefined) {
    where.push("seq > ?");
    params.push(q.afterSeq);
  }
  if (q.kinds?.length) inList("kind", q.kinds);
  if (q.forwardStates?.length) inList("forward_state", q.forwardStates);
  if (q.statuses?.length) inList("status", q.statuses);
  if (q.anyStatus) {
    const any = anyStatusSql(q.anyStatus);
    where.push(any.sql);
    params.push(...any.params);
  }
  if (q.since !== undefined) {
    where.push("received_at >= ?");
    params.push(q.since);
  }
  if (q.until !== undefined) {
    where.push("received_at <= ?");
    params.push(q.until);
  }
  if (q.eventTypeGlob) {
    where.push(
      `EXISTS (SELECT 1 FROM events e WHERE e.delivery_seq = deliveries.seq AND ${EVENT_TYPE_GLOB_FN}(?, e.event_type))`,
    );
    params.push(q.eventTypeGlob);
  }
  if (q.text) {
    const like = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      `(id LIKE ? ESCAPE '\\' OR kind LIKE ? ESCAPE '\\' OR first_event_type LIKE ? ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM events e WHERE e.delivery_seq = deliveries.seq
          AND (e.event_type LIKE ? ESCAPE '\\' OR e.display_message LIKE ? ESCAPE '\\'
            OR e.actor LIKE ? ESCAPE '\\' OR e.targets LIKE ? ESCAPE '\\' OR e.uuid LIKE ? ESCAPE '\\')))`,
    );
    params.push(like, like, like, like, like, like, like, like);
  }
  if (q.lastAttemptFailed) where.push(`COALESCE(${LAST_ATTEMPT_OK}, 0) = 0`);
  return { where: where.length ? ` WHERE ${where.join(" AND ")}` : "", params };
}

/** `(kind IN (…) OR forward_state IN (…) OR status IN (…))`: any one category may match. */
function anyStatusSql(a: StatusAny): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [col, values] of [
    ["kind", a.kinds],
    ["forward_state", a.forwardStates],
    ["status", a.statuses],
  ] as const) {
    if (!values.length) continue;
    parts.push(`${col} IN (${values.map(() => "?").join(",")})`);
    params.push(...values);
  }
  return { sql: parts.length ? `(${parts.join(" OR ")})` : "1", params };
}
