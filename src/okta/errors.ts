import { describeError, NetworkError, RemoteApiError } from "../errors.js";
import type { OktaErrorBody } from "./types.js";

/** Which credential a client sends, so messages can name the variable (never the value). */
export interface OktaAuthInfo {
  scheme: "SSWS" | "Bearer";
  envVar: "OKTA_API_TOKEN" | "OKTA_ACCESS_TOKEN";
}

/** What a request is for, so a 403 can name the missing scope. */
export interface OktaOperation {
  /** OAuth scope the call needs, e.g. `okta.logs.read`. */
  scope: string;
  /** Plain words for the action, e.g. `read the System Log`. */
  what: string;
}

const MAX_TEXT_CHARS = 300;

/** Parse an Okta error body; undefined when the text is not a JSON object. */
export function parseOktaErrorBody(text: string): OktaErrorBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    return value as OktaErrorBody;
  } catch {
    return undefined;
  }
}

/** Build the one-line RemoteApiError for a non-2xx Okta response. */
export function oktaResponseError(input: {
  status: number;
  bodyText: string;
  auth: OktaAuthInfo;
  operation: OktaOperation;
}): RemoteApiError {
  const { status, bodyText, auth, operation } = input;
  const body = parseOktaErrorBody(bodyText);
  if (!body) return nonJsonBodyError(status, bodyText);
  const code = oneLine(body.errorCode);
  const summary = oneLine(body.errorSummary) || "no error summary";
  const causes = (Array.isArray(body.errorCauses) ? body.errorCauses : [])
    .map((c) => oneLine(c?.errorSummary))
    .filter(Boolean);
  const errorId = oneLine(body.errorId);
  let message = `Okta answered ${status}${code ? ` ${code}` : ""}: ${summary}`;
  if (causes.length > 0) message += ` (${causes.join("; ")})`;
  if (errorId) message += ` [errorId ${errorId}]`;
  message += hintFor(status, auth, operation);
  return new RemoteApiError(message, {
    status,
    errorCode: code || undefined,
    errorId: errorId || undefined,
  });
}

/** The error for a body that should have been JSON and was not (HTML page, cut-off JSON). */
export function nonJsonBodyError(status: number, bodyText: string): RemoteApiError {
  const what = bodyText.trim() === "" ? "an empty body" : "a non-JSON body";
  return new RemoteApiError(`Okta answered ${status} with ${what} (is --org right?)`, { status });
}

function hintFor(status: number, auth: OktaAuthInfo, op: OktaOperation): string {
  if (status === 401) {
    return auth.scheme === "SSWS"
      ? ` — the token in ${auth.envVar} is invalid, expired, revoked or from another org (create one under Security > API > Tokens)`
      : ` — the token in ${auth.envVar} is invalid or expired (request a new access token)`;
  }
  if (status === 403) {
    return auth.scheme === "Bearer"
      ? ` — the token in ${auth.envVar} lacks scope ${op.scope}, or its admin role cannot ${op.what} (grant the scope and request a new token)`
      : ` — the admin who created ${auth.envVar} has no role that can ${op.what} (use a Super Admin token or a role with that permission)`;
  }
  if (status === 429) return " — rate limit still exceeded after waiting; try again in a minute";
  return "";
}

function oneLine(value: unknown): string {
  if (typeof value !== "string") return "";
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > MAX_TEXT_CHARS ? `${flat.slice(0, MAX_TEXT_CHARS - 1)}…` : flat;
}

const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** The request surely never reached Okta, so even a create may be sent again. */
export function isConnectError(err: unknown): boolean {
  return CONNECT_CODES.has(errorCode(err) ?? "");
}

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === "string" ? code : undefined;
}

function isTimeout(err: unknown): boolean {
  const name = (err as { name?: unknown } | undefined)?.name;
  const code = errorCode(err);
  return (
    name === "TimeoutError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT"
  );
}

/** The NetworkError for a request that got no answer: timed out, or Okta unreachable. */
export function networkError(
  err: unknown,
  req: { method: string; url: string },
  attempts: number,
  timeoutMs: number,
): NetworkError {
  const url = new URL(req.url);
  const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
  if (isTimeout(err)) {
    return new NetworkError(
      `Okta at ${url.origin} did not answer ${req.method} ${url.pathname} within ${timeoutMs} ms (${tries}); check --org and your network, or try again later`,
      { cause: err },
    );
  }
  return new NetworkError(
    `cannot reach Okta at ${url.origin}: ${describeError(err)} (${tries}); check --org and your network`,
    { cause: err },
  );
}
