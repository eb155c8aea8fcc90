import { ConfigError, UsageError } from "../errors.js";
import { type ReadOnlyReason, StoreError, type StoreProblem } from "../store/errors.js";

// Loaded by cli.ts for every error it reports, so it imports nothing heavy (no better-sqlite3).

/** What a message may name: the `--db` flag with its file, and what writes to it. */
interface Said {
  db: string;
  file: string;
  need: string;
}

/** Each store problem in the CLI's words (flag, what is wrong, the fix). */
const WORDS: {
  [C in StoreProblem["code"]]: (p: Extract<StoreProblem, { code: C }>, s: Said) => string;
} = {
  corrupt: (_, { db }) =>
    `${db}: not a readable okhook database (corrupt or another format); move it aside or pass --db <new file>`,
  locked: (p, { db }) =>
    `${db}: locked by another process for over ${p.waitedMs / 1000} s; stop it or pass --db <other file>`,
  readOnly: (p, { db, file, need }) => {
    const r = readOnlyWords(file, p.reason) ?? {
      why: "SQLite refused to write it",
      fix: "check its permissions and those of its directory",
    };
    const what = p.upgrade
      ? "its schema (from an older okhook) must be upgraded once before it can be read"
      : need;
    // on a read-only file system the copy is the only fix: say it once
    const fix = r.fix ? `${r.fix}, or copy it` : "copy it";
    return `${db}: the database is read-only here (${r.why}) and ${what}; ${fix} somewhere writable and pass --db <copy>`;
  },
  noPermission: (p, { db }) =>
    `${db}: no write permission (${p.errno}); fix the permissions or pass --db <writable file>`,
  cantOpen: (p, { db }) =>
    `${db}: cannot open (${p.errno}); check the directory exists and is writable, or pass --db <file>`,
  failed: (p, { db }) => `${db}: ${p.detail} (${p.errno ?? "error"})`,
  newerSchema: (p) =>
    `database schema version ${p.version} is newer than this okhook understands (upgrade okhook)`,
  upgradeFailed: (_, { db }) => `${db}: its schema upgrade did not take; pass --db <file>`,
  walNeedsShm: (p, { db, file }) =>
    `${db}: cannot be read here: its write-ahead log (${file}-wal) holds recent writes but SQLite cannot create ${file}-shm beside it (${walWhy(file, p.reason)}); make the directory writable once, or copy the database with its -wal file elsewhere and pass --db <copy>`,
  walTooLarge: (p, { db, file }) =>
    `${db}: cannot be read in place: it was left in WAL mode and SQLite cannot create ${file}-wal beside it (${walWhy(file, p.reason)}); make the directory writable once (okhook then leaves it readable anywhere), or copy it elsewhere and pass --db <copy>`,
  refTooShort: (p) =>
    `"${p.ref}": too short to identify a delivery (give at least ${p.min} characters)`,
  refNotFound: (p) =>
    `"${p.ref}": no delivery or event with that id (list them with: okhook deliveries)`,
  refAmbiguous: (p) =>
    `"${p.ref}": ambiguous, matches ${p.matches.join(", ")}${p.more ? ", …" : ""} (give more characters)`,
};

/**
 * A StoreError in the CLI's words, with its exit code: 2 for a delivery reference the user
 * typed, else 3. `need` says what writes when the database is read-only (default: the
 * command itself). Anything else passes unchanged.
 */
export function userError(err: unknown, { need = "this command writes to it" } = {}): unknown {
  if (!(err instanceof StoreError)) return err;
  const p = err.problem;
  const file = err.file ?? "";
  const say = WORDS[p.code] as (p: StoreProblem, s: Said) => string;
  const message = say(p, { db: `--db ${file}`, file, need });
  if (p.code === "refTooShort" || p.code === "refNotFound" || p.code === "refAmbiguous")
    return new UsageError(message);
  return new ConfigError(message, err.cause === undefined ? undefined : { cause: err.cause });
}

/** Why a database is read-only here and what fixes it in place (none: only a copy does). */
function readOnlyWords(
  file: string,
  r: ReadOnlyReason | undefined,
): { why: string; fix?: string } | undefined {
  switch (r?.kind) {
    case "readOnlyFileSystem":
      return { why: "it is on a read-only file system" };
    case "directoryNotWritable":
      return { why: `its directory ${r.dir} is not writable`, fix: `make ${r.dir} writable` };
    case "fileNotWritable":
      return { why: "the file is not writable", fix: `make it writable (chmod u+w ${file})` };
    default:
      return undefined;
  }
}

function walWhy(file: string, r: ReadOnlyReason | undefined): string {
  return readOnlyWords(file, r)?.why ?? "SQLite cannot create files beside it";
}
