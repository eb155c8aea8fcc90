import { UsageError } from "../errors.js";

/** Collect a repeatable option into an array. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parse a byte size: `1048576`, `512k`, `1m`, `1MiB`. */
export function parseBytes(value: string, flag: string): number {
  const m = /^(\d+)\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(value.trim());
  if (!m)
    throw new UsageError(`${flag} "${value}": not a size (try ${flag} 1048576 or ${flag} 1m)`);
  const unit = (m[2] ?? "b").toLowerCase();
  const mult = unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 * 1024 : 1;
  return Number(m[1]) * mult;
}

/** Check a value is one of the allowed choices. */
export function oneOf<T extends string>(value: string, choices: readonly T[], flag: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} "${value}": expected one of ${choices.join(", ")}`);
}

/** Milliseconds flag value. */
export function parseMs(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) {
    throw new UsageError(`${flag} "${value}": expected milliseconds, a whole number above 0`);
  }
  return Number(value);
}

/**
 * A setting's value and where it came from: the flag when given, else its environment
 * variable (config.ts read it), so an error names what the user actually set.
 */
export function flagOrEnv(
  flag: string,
  flagValue: string | undefined,
  envName: string,
  envValue: string | undefined,
): { value: string; from: string } | undefined {
  if (flagValue !== undefined) return { value: flagValue, from: flag };
  if (envValue !== undefined) return { value: envValue, from: envName };
  return undefined;
}

/** Help for every `--db` flag: the default location and its environment variable. */
export const DB_FLAG_HELP =
  "database file (default: ~/.local/share/okhook/okhook.db or the OS data dir; env: OKHOOK_DB)";

/** A duration flag: `30s`, `2m`, `1h`, `500ms`, or a bare number of seconds. */
export function parseDuration(value: string, flag: string): number {
  const v = value.trim();
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(v);
  const n = m ? Number(m[1]) : Number.NaN;
  const unit = (m?.[2] ?? "s").toLowerCase();
  const ms = n * (unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000);
  if (!Number.isFinite(ms) || ms <= 0 || ms > 2_147_483_647) {
    throw new UsageError(
      `${flag} "${value}": not a duration (try ${flag} 30s, ${flag} 2m or ${flag} 90)`,
    );
  }
  return Math.round(ms);
}
