import { describe, expect, it } from "vitest";
import { userError } from "../../src/commands/store-words.js";
import { ConfigError } from "../../src/errors.js";
import { type ReadOnlyReason, StoreError, type StoreProblem } from "../../src/store/errors.js";

const FILE = "/data/okhook.db";
const REASONS: (ReadOnlyReason | undefined)[] = [
  { kind: "readOnlyFileSystem" },
  { kind: "directoryNotWritable", dir: "/data" },
  { kind: "fileNotWritable" },
  undefined,
];

function said(problem: StoreProblem): string {
  const err = userError(new StoreError(FILE, problem));
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).message;
}

/** Every run of 4+ words that occurs twice in a message. */
function repeated(message: string): string[] {
  const words = message.split(/\s+/);
  const seen = new Set<string>();
  const twice: string[] = [];
  for (let i = 0; i + 4 <= words.length; i++) {
    const run = words.slice(i, i + 4).join(" ");
    if (seen.has(run)) twice.push(run);
    seen.add(run);
  }
  return twice;
}

describe("userError: a read-only database in words", () => {
  it("says each fix once, for every reason and every read-only problem", () => {
    for (const reason of REASONS) {
      const problems: StoreProblem[] = [
        { code: "readOnly", reason },
        { code: "readOnly", reason, upgrade: true },
        { code: "walNeedsShm", reason },
        { code: "walTooLarge", reason },
      ];
      for (const p of problems) {
        const message = said(p);
        expect({ p, repeated: repeated(message) }).toEqual({ p, repeated: [] });
        expect(message).toMatch(/pass --db <copy>$/);
      }
    }
  });

  it("on a read-only file system offers the copy as the fix, nothing in place", () => {
    expect(said({ code: "readOnly", reason: { kind: "readOnlyFileSystem" } })).toBe(
      `--db ${FILE}: the database is read-only here (it is on a read-only file system) and this command writes to it; copy it somewhere writable and pass --db <copy>`,
    );
    expect(said({ code: "readOnly", reason: { kind: "fileNotWritable" } })).toBe(
      `--db ${FILE}: the database is read-only here (the file is not writable) and this command writes to it; make it writable (chmod u+w ${FILE}), or copy it somewhere writable and pass --db <copy>`,
    );
  });
});
