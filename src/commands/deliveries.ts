import { parseCount } from "../config.js";
import { UsageError } from "../errors.js";
import { deliveriesJson, deliveriesTable } from "../output/deliveries-table.js";
import {
  DELIVERY_KINDS,
  type DeliveryKind,
  type ForwardState,
  type ListQuery,
} from "../store/types.js";
import { parseTimeArg } from "../time.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";

/** `okhook deliveries` flags as commander parses them. */
export interface DeliveriesFlags {
  limit: string;
  status?: string;
  eventType?: string;
  since?: string;
  until?: string;
  before?: string;
  json?: boolean;
  db?: string;
}

/** `okhook deliveries`: one page of stored deliveries, newest first. */
export async function deliveriesCommand(flags: DeliveriesFlags, ctx: CliContext): Promise<Outcome> {
  const query: ListQuery = {
    limit: parseCount(flags.limit, "--limit", { min: 1, max: 100_000 }),
    ...parseStatus(flags.status),
    eventTypeGlob: flags.eventType,
    since: flags.since ? parseTimeArg(flags.since, "--since") : undefined,
    until: flags.until ? parseTimeArg(flags.until, "--until") : undefined,
  };
  const { store, path } = await openStoreForRead(flags.db, ctx);
  if (!store) {
    ctx.stdout.write(
      flags.json
        ? "[]\n"
        : `No deliveries yet (${path} does not exist). Start with: okhook listen\n`,
    );
    return OUTCOME.ok;
  }
  return withStore(store, path, (s) => {
    if (flags.before) query.beforeSeq = s.lookup.resolve(flags.before).delivery.seq;
    const rows = s.deliveries.list(query);
    const full = rows.length === query.limit;
    ctx.stdout.write(
      flags.json ? deliveriesJson(rows) : deliveriesTable(rows, ctx, path, Date.now(), full),
    );
    return OUTCOME.ok;
  });
}

const KINDS: readonly string[] = DELIVERY_KINDS;
const STATES: readonly string[] = ["none", "pending", "forwarded", "failed", "captured"];

/**
 * `--status` accepts kinds, forward states and HTTP status codes, comma-separated; a row
 * matching any of them is listed (`rejected,forwarded` = rejected OR forwarded).
 */
export function parseStatus(value: string | undefined): Pick<ListQuery, "anyStatus"> {
  if (!value) return {};
  const kinds: DeliveryKind[] = [];
  const forwardStates: ForwardState[] = [];
  const statuses: number[] = [];
  for (const part of value
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    if (/^\d{3}$/.test(part)) statuses.push(Number(part));
    else if (KINDS.includes(part)) kinds.push(part as DeliveryKind);
    else if (STATES.includes(part))
      forwardStates.push((part === "captured" ? "none" : part) as ForwardState);
    else {
      throw new UsageError(
        `--status "${part}": unknown (try one of ${[...KINDS, "pending", "forwarded", "failed"].join(", ")}, or an HTTP status like 401)`,
      );
    }
  }
  return { anyStatus: { kinds, forwardStates, statuses } };
}
