import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { ensurePrivateDir } from "../config.js";
import { ConfigError } from "../errors.js";

/**
 * Generated secrets live in a 0600 file beside the database (`<db>.secrets.json`), keyed by
 * port, so the same hook keeps working across runs. They are kept out of the database itself
 * so a DB file shared in a bug report never carries a credential.
 */
export function secretsFileFor(dbPath: string): string {
  return `${dbPath}.secrets.json`;
}

/** The generated secret for `key` (e.g. `port:8787`), creating and saving one if needed. */
export function generatedSecret(dbPath: string, key: string): string {
  const file = secretsFileFor(dbPath);
  const all = readSecrets(file);
  const existing = all[key];
  if (existing) return existing;
  const secret = randomBytes(24).toString("base64url");
  all[key] = secret;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    // On a first run the DB directory does not exist yet: the secret is written before the DB.
    ensurePrivateDir(file);
    writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new ConfigError(
      `--db ${dbPath}: cannot save the generated secret in ${file} (${code}); pass --db <writable file> or set --secret`,
      { cause: err },
    );
  }
  return secret;
}

/** A previously generated secret, if any. */
export function storedSecret(dbPath: string, key: string): string | undefined {
  return readSecrets(secretsFileFor(dbPath))[key];
}

function readSecrets(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}
