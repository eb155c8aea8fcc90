import { accessSync, constants } from "node:fs";
import { dirname } from "node:path";

/** How long a statement waits for another okhook process holding the write lock. */
export const BUSY_TIMEOUT_MS = 5000;

/** Why a database file cannot be written here, as found on the file system. */
export type ReadOnlyReason =
  | { kind: "readOnlyFileSystem" }
  | { kind: "directoryNotWritable"; dir: string }
  | { kind: "fileNotWritable" };

/**
 * What went wrong, with what a command needs to say it in its own words (flag names and
 * fixes are the command's: see `userError` in src/commands/db-open.ts).
 */
export type StoreProblem =
  /** Not an SQLite database, or a damaged one. */
  | { code: "corrupt" }
  /** Another process held the write lock past the busy timeout. */
  | { code: "locked"; waitedMs: number }
  /**
   * A write was refused. `upgrade`: the write was the one-time upgrade of an older schema,
   * needed before the database can be read.
   */
  | { code: "readOnly"; reason: ReadOnlyReason | undefined; upgrade?: boolean }
  /** The file system refused access (`errno`: EACCES, EROFS, EPERM). */
  | { code: "noPermission"; errno: string }
  /** The file or its directory cannot be opened (`errno`: SQLITE_CANTOPEN, ENOENT, ENOTDIR). */
  | { code: "cantOpen"; errno: string }
  /** Anything else: the first line of the underlying message and its code, if any. */
  | { code: "failed"; errno: string | undefined; detail: string }
  /** Written by a newer okhook. */
  | { code: "newerSchema"; version: number }
  /** The upgrade of an older schema ran but the version did not change. */
  | { code: "upgradeFailed" }
  /** Read-only here, and a -wal file holds recent writes that need a -shm beside it. */
  | { code: "walNeedsShm"; reason: ReadOnlyReason | undefined }
  /** Read-only here, left in WAL mode, and too large to read from an in-memory copy. */
  | { code: "walTooLarge"; reason: ReadOnlyReason | undefined }
  /** A delivery reference shorter than `min` characters. */
  | { code: "refTooShort"; ref: string; min: number }
  /** No delivery or event matches the reference. */
  | { code: "refNotFound"; ref: string }
  /** Several deliveries match: the first few ids, and whether there are more. */
  | { code: "refAmbiguous"; ref: string; matches: string[]; more: boolean };

/** What the store throws: a typed problem with the database file it concerns. */
export class StoreError extends Error {
  constructor(
    readonly file: string | undefined,
    readonly problem: StoreProblem,
    options?: { cause?: unknown },
  ) {
    super(describe(file, problem), options);
    this.name = "StoreError";
  }

  /** The problem's code. */
  get code(): StoreProblem["code"] {
    return this.problem.code;
  }
}

/** Why a database file cannot be written here (undefined: it can). */
export function whyReadOnly(file: string): ReadOnlyReason | undefined {
  const dir = dirname(file);
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EROFS") return { kind: "readOnlyFileSystem" };
    return { kind: "directoryNotWritable", dir };
  }
  try {
    accessSync(file, constants.W_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { kind: "fileNotWritable" };
  }
  return undefined;
}

/**
 * For errors thrown while using an open database (e.g. SQLITE_CORRUPT on a damaged page, or
 * SQLITE_BUSY past the busy timeout): SQLite's become a StoreError, others pass.
 */
export function asStoreError(file: string, err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_") ? toStoreError(file, err) : err;
}

/** Classify any SQLite or file-system failure on `file` (a StoreError passes unchanged). */
export function toStoreError(file: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const problem = classify(file, err);
  return new StoreError(file, problem, { cause: err });
}

function classify(file: string, err: unknown): StoreProblem {
  const code = (err as { code?: string }).code ?? "";
  const msg = err instanceof Error ? err.message : String(err);
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT" || /not a database|malformed/.test(msg))
    return { code: "corrupt" };
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
    return { code: "locked", waitedMs: BUSY_TIMEOUT_MS };
  if (code.startsWith("SQLITE_READONLY")) return { code: "readOnly", reason: whyReadOnly(file) };
  if (code === "EACCES" || code === "EROFS" || code === "EPERM")
    return { code: "noPermission", errno: code };
  if (code === "SQLITE_CANTOPEN" || code === "ENOENT" || code === "ENOTDIR")
    return { code: "cantOpen", errno: code };
  return { code: "failed", errno: code || undefined, detail: msg.split("\n")[0] ?? "" };
}

/** A plain description (no flags, no fixes) for logs and for code that is not a command. */
function describe(file: string | undefined, p: StoreProblem): string {
  const at = file === undefined ? "" : `${file}: `;
  switch (p.code) {
    case "corrupt":
      return `${at}not a readable okhook database (corrupt or another format)`;
    case "locked":
      return `${at}locked by another process for over ${p.waitedMs / 1000} s`;
    case "readOnly":
      return `${at}the database is read-only here${p.upgrade ? " and its schema needs an upgrade" : ""}`;
    case "noPermission":
      return `${at}no write permission (${p.errno})`;
    case "cantOpen":
      return `${at}cannot open (${p.errno})`;
    case "failed":
      return `${at}${p.detail} (${p.errno ?? "error"})`;
    case "newerSchema":
      return `${at}database schema version ${p.version} is newer than this okhook understands`;
    case "upgradeFailed":
      return `${at}its schema upgrade did not take`;
    case "walNeedsShm":
      return `${at}cannot be read here: its write-ahead log holds recent writes and no -shm can be created`;
    case "walTooLarge":
      return `${at}cannot be read in place: left in WAL mode and no -wal can be created`;
    case "refTooShort":
      return `"${p.ref}": too short to identify a delivery (at least ${p.min} characters)`;
    case "refNotFound":
      return `"${p.ref}": no delivery or event with that id`;
    case "refAmbiguous":
      return `"${p.ref}": ambiguous, matches ${p.matches.join(", ")}${p.more ? ", …" : ""}`;
  }
}
