import { EXIT, type ExitCode } from "./exit-codes.js";

/** A user-facing failure: one line that names the input and the fix, plus its exit code. */
export class OkhookError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad flag, argument, selector, fixture name or file (exit 2). */
export class UsageError extends OkhookError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.usage, options);
  }
}

/** Missing or invalid credentials, unreadable database (exit 3). */
export class ConfigError extends OkhookError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.config, options);
  }
}

/**
 * Another running `okhook listen` uses this database (exit 3, like a database locked by
 * another process: the conflict is the `--db` setting, not the network).
 */
export class DatabaseInUseError extends ConfigError {
  readonly pid: number;
  readonly url: string | undefined;
  constructor(db: string, holder: { pid: number; url?: string }) {
    super(
      `--db ${db}: in use by another okhook listen (pid ${holder.pid}, ${holder.url ?? "starting"}); stop that listener, or pass --db <other file> to run a second one`,
    );
    this.pid = holder.pid;
    this.url = holder.url;
  }
}

/** Port in use, target unreachable, tunnel could not start (exit 4). */
export class NetworkError extends OkhookError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.network, options);
  }
}

/** Okta answered an error after retries (exit 5). */
export class RemoteApiError extends OkhookError {
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly errorId: string | undefined;
  constructor(
    message: string,
    details: { status?: number; errorCode?: string; errorId?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, EXIT.remoteApi, options);
    this.status = details.status;
    this.errorCode = details.errorCode;
    this.errorId = details.errorId;
  }
}

/** SIGINT during a finite command (exit 130). */
export class Interrupted extends OkhookError {
  constructor(message = "interrupted") {
    super(message, EXIT.interrupted);
  }
}

/**
 * How to write `value` for the input `name` in a fix: `--port 8787` for a flag,
 * `OKHOOK_PORT=8787` for an environment variable.
 */
export function inputExample(name: string, value: string): string {
  return name.startsWith("-") ? `${name} ${value}` : `${name}=${value}`;
}

/**
 * Name the database as the user set it: okhook's messages about a database file start with
 * `--db <file>:`; when OKHOOK_DB (or the default location) chose it, say that instead.
 */
export function nameDbSource(message: string, source: "--db" | "OKHOOK_DB" | "default"): string {
  if (source === "--db" || !message.startsWith("--db ")) return message;
  return `${source === "OKHOOK_DB" ? "OKHOOK_DB" : "database"} ${message.slice(5)}`;
}

/** Short description of an unknown thrown value, for one-line messages. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const cause = err.cause instanceof Error ? err.cause : undefined;
    const causeCode = cause ? (cause as NodeJS.ErrnoException).code : undefined;
    const base = err.message || code || err.name;
    if (causeCode && !base.includes(causeCode)) return `${base} (${causeCode})`;
    if (code && !base.includes(code)) return `${code}: ${base}`;
    return base;
  }
  return String(err);
}
