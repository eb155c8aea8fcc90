/** What a secret is stored, shown and logged as. */
export const REDACTED = "[redacted]";

/** Replace every occurrence of each secret with `[redacted]` (empty and missing ones skipped). */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length > 0) out = out.split(secret).join(REDACTED);
  }
  return out;
}
