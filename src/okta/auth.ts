import { ConfigError } from "../errors.js";
import type { OktaAuthInfo } from "./errors.js";

/** The credential a client will send: the scheme, the variable it came from, the token. */
export interface ResolvedAuth extends OktaAuthInfo {
  token: string;
}

/**
 * Pick the credential: OKTA_API_TOKEN (`SSWS`) first, else OKTA_ACCESS_TOKEN (`Bearer`).
 * A pasted scheme prefix is dropped. Missing or malformed → ConfigError naming the variable.
 */
export function resolveAuth(tokens: { apiToken?: string; accessToken?: string }): ResolvedAuth {
  const api = clean(tokens.apiToken, "SSWS");
  if (api !== undefined)
    return { scheme: "SSWS", envVar: "OKTA_API_TOKEN", token: check(api, "OKTA_API_TOKEN") };
  const access = clean(tokens.accessToken, "Bearer");
  if (access !== undefined) {
    return {
      scheme: "Bearer",
      envVar: "OKTA_ACCESS_TOKEN",
      token: check(access, "OKTA_ACCESS_TOKEN"),
    };
  }
  throw new ConfigError(
    "no Okta credentials: set OKTA_API_TOKEN (an API token, sent as SSWS) or OKTA_ACCESS_TOKEN (an OAuth access token: reconcile and doctor read with okta.logs.read and okta.eventHooks.read, --register needs okta.eventHooks.manage)",
  );
}

function clean(value: string | undefined, scheme: string): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  const prefix = new RegExp(`^${scheme}\\s+`, "i");
  return trimmed.replace(prefix, "");
}

function check(token: string, envVar: string): string {
  // Header injection guard, and undici's own error could otherwise quote the value.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  if (/[\s\u0000-\u001f\u007f-\uffff]/.test(token)) {
    throw new ConfigError(
      `${envVar} holds spaces, line breaks or non-ASCII characters (copy the token again, without quotes or extra text)`,
    );
  }
  return token;
}
