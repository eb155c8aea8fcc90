import type { Command } from "commander";
import { parseCount } from "../config.js";
import { UsageError } from "../errors.js";
import {
  DELIVERY_KINDS,
  type DeliveryKind,
  type ForwardState,
  type ListQuery,
} from "../store/types.js";
import { parseTimeArg } from "../time.js";
import type { CliContext } from "./context.js";
import { openStoreForRead, withStore } from "./db-open.js";
import { DB_FLAG_HELP } from "./options.js";

interface DeliveriesFlags {
  limit: string;
  status?: string;
  eventType?: string;
  since?: string;
  until?: string;
  before?: string;
  json?: boolean;
  db?: string;
}

/** Define `okhook deliveries`. */
export function registerDeliveries(program: Command, ctx: CliContext): void {
  program
    .command("deliveries")
    .alias("ls")
    .description("list stored deliveries, newest first")
    .option("--limit <n>", "how many", "50")
    .option(
      "--status <s>",
      "kind (delivery, rejected, invalid, …), forward state (pending, forwarded, failed) or HTTP status; a comma list matches any of them",
    )
    .option(
      "--event-type <glob>",
      "only deliveries with an event of this type (e.g. 'user.lifecycle.*')",
    )
    .option("--since <dur|ISO>", "received after (30m, 2h, 7d or an ISO time)")
    .option("--until <dur|ISO>", "received before")
    .option("--before <id>", "page: deliveries older than this id")
    .option("--json", "one JSON document", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook deliveries --status failed
  $ okhook deliveries --event-type 'group.user_membership.*' --since 2h --json`,
    )
    .action(async (flags: DeliveriesFlags) => {
      process.exitCode = await runDeliveries(flags, ctx);
    });
}

async function runDeliveries(flags: DeliveriesFlags, ctx: CliContext): Promise<number> {
  const query: ListQuery = {
    limit: parseCount(flags.limit, "--limit", { min: 1, max: 100_000 }),
    ...parseStatus(flags.status),
    eventTypeGlob: flags.eventType,
    since: flags.since ? parseTimeArg(flags.since, "--since") : undefined,
    until: flags.until ? parseTimeArg(flags.until, "--until") : undefined,
  };
  const { store, path } = await openStoreForRead(flags.db, ctx);
  const render = await import("../output/deliveries-table.js");
  if (!store) {
    ctx.stdout.write(
      flags.json
        ? "[]\n"
        : `No deliveries yet (${path} does not exist). Start with: okhook listen\n`,
    );
    return 0;
  }
  return withStore(store, path, (s) => {
    if (flags.before) query.beforeSeq = s.lookup.resolve(flags.before).delivery.seq;
    const rows = s.deliveries.list(query);
    ctx.stdout.write(
      flags.json ? render.deliveriesJson(rows) : render.deliveriesTable(rows, ctx, path),
    );
    return 0;
  });
}

const KINDS: readonly string[] = DELIVERY_KINDS;
const STATES: readonly string[] = ["none", "pending", "forwarded", "failed", "captured"];

/**
 * `--status` accepts kinds, forward states and HTTP status codes, comma-separated; a row
 * matching any of them is listed (`rejected,forwarded` = rejected OR forwarded).
 */
function parseStatus(value: string | undefined): Pick<ListQuery, "anyStatus"> {
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
