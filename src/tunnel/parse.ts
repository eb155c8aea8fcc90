/**
 * Pure reading of cloudflared's console log (stderr). Every check matches a substring, never a
 * whole line, because the timestamp/level prefix and the field order are cloudflared's to change.
 */

/** Why cloudflared gave up, as far as its log tells. */
export type FatalCause = "unreachable" | "refused" | "token" | "usage" | "start";

/** What one log line means to okhook; `null` from the parser means "nothing to act on". */
export type CloudflaredLine =
  | { kind: "url"; url: string }
  | {
      kind: "registered";
      connIndex: number;
      location?: string;
      connection?: string;
      ip?: string;
      protocol?: string;
    }
  | { kind: "unregistered"; connIndex: number }
  | { kind: "fatal"; cause: FatalCause; reason: string }
  | { kind: "error"; reason: string };

/** Quick tunnel hostnames are random words under trycloudflare.com. */
export const QUICK_TUNNEL_URL_RE = /https:\/\/[a-z0-9-]+\.trycloudflare\.com/;

/** Longest reason kept from a log line, so error messages stay one readable line. */
export const MAX_REASON_CHARS = 300;

/** Longest partial line buffered while waiting for its newline. */
export const MAX_PENDING_LINE_CHARS = 64 * 1024;

const FATAL_PATTERNS: ReadonlyArray<{ needle: RegExp; cause: FatalCause }> = [
  { needle: /failed to request quick Tunnel/i, cause: "unreachable" },
  { needle: /failed to read quick-tunnel response/i, cause: "unreachable" },
  { needle: /failed to unmarshal quick Tunnel/i, cause: "refused" },
  { needle: /failed to parse quick Tunnel ID/i, cause: "refused" },
  { needle: /Provided Tunnel token is not valid/i, cause: "token" },
  { needle: /Failed to read token file/i, cause: "token" },
  { needle: /Incorrect Usage/, cause: "usage" },
  { needle: /Couldn't start tunnel/, cause: "start" },
  { needle: /(?:^|\s)panic: /, cause: "start" },
];

const LEVEL_RE = /(?:^|\s)(DBG|INF|WRN|ERR|FTL)(?=\s|$)/;

/** Classify one line of cloudflared output (already scrubbed of secrets). */
export function parseCloudflaredLine(line: string): CloudflaredLine | null {
  const level = LEVEL_RE.exec(line)?.[1];
  for (const { needle, cause } of FATAL_PATTERNS) {
    if (needle.test(line)) return { kind: "fatal", cause, reason: reasonOf(line) };
  }
  if (level === "FTL") return { kind: "fatal", cause: "start", reason: reasonOf(line) };
  if (line.includes("Registered tunnel connection")) return registered(line);
  if (line.includes("Unregistered tunnel connection")) {
    return { kind: "unregistered", connIndex: Number(field(line, "connIndex") ?? 0) };
  }
  if (level === "ERR") return { kind: "error", reason: reasonOf(line) };
  const url = QUICK_TUNNEL_URL_RE.exec(line)?.[0];
  // api.trycloudflare.com is the service cloudflared asks for a tunnel, never a tunnel URL.
  if (url && url !== "https://api.trycloudflare.com") return { kind: "url", url };
  return null;
}

function registered(line: string): CloudflaredLine {
  return {
    kind: "registered",
    connIndex: Number(field(line, "connIndex") ?? 0),
    location: field(line, "location"),
    connection: field(line, "connection"),
    ip: field(line, "ip"),
    protocol: field(line, "protocol"),
  };
}

/** Value of a zerolog console field `key=value` or `key="quoted value"`. */
export function field(line: string, key: string): string | undefined {
  const re = new RegExp(`(?:^|\\s)${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|(\\S+))`);
  const m = re.exec(line);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2];
}

/** The human part of a log line: message, then `error=` and `status_code=` fields. */
export function reasonOf(line: string): string {
  const levelMatch = LEVEL_RE.exec(line);
  const rest = levelMatch ? line.slice(levelMatch.index + levelMatch[0].length) : line;
  const firstField = /(?:^|\s)[A-Za-z_][\w-]*=/.exec(rest);
  const message = (firstField ? rest.slice(0, firstField.index) : rest).trim();
  const error = field(rest, "error");
  const status = field(rest, "status_code");
  let reason = [message, error].filter((s) => s !== undefined && s !== "").join(": ");
  if (status) reason += ` (HTTP ${status})`;
  return oneLine(reason || line.trim());
}

/** Collapse whitespace and cap the length so a reason fits in a one-line message. */
export function oneLine(text: string, max = MAX_REASON_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Replace every occurrence of each secret with `[redacted]`. */
export function scrubSecrets(line: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = line;
  for (const secret of secrets) {
    if (secret && secret.length > 0) out = out.split(secret).join("[redacted]");
  }
  return out;
}

/** Splits a byte stream into lines (LF or CRLF); holds the unterminated tail until `flush`. */
export class LineSplitter {
  private pending = "";

  /** Feed a chunk; returns the complete lines it finished. */
  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const parts = text.split("\n");
    this.pending = parts.pop() ?? "";
    if (this.pending.length > MAX_PENDING_LINE_CHARS) {
      parts.push(this.pending);
      this.pending = "";
    }
    return parts.map((l) => l.replace(/\r$/, ""));
  }

  /** The unterminated tail, if any (call when the stream ends). */
  flush(): string[] {
    const rest = this.pending.replace(/\r$/, "");
    this.pending = "";
    return rest === "" ? [] : [rest];
  }
}

/** A fixed-size buffer keeping the last `capacity` lines. */
export class LogRing {
  private readonly buf: string[] = [];
  constructor(readonly capacity = 200) {}

  /** Append a line, dropping the oldest past capacity. */
  push(line: string): void {
    this.buf.push(line);
    if (this.buf.length > this.capacity) this.buf.splice(0, this.buf.length - this.capacity);
  }

  /** Oldest first. */
  lines(): string[] {
    return [...this.buf];
  }
}

/** What is known when a cloudflared run ends before its tunnel is ready. */
export interface FailureFacts {
  fatal?: { cause: FatalCause; reason: string };
  lastError?: string;
  exitCode?: number | null;
  signal?: string | null;
  timedOutMs?: number;
}

const FIX_BY_CAUSE: Record<FatalCause, (reason: string) => string> = {
  unreachable: (r) =>
    `cloudflared could not reach Cloudflare: ${r} (check the network or proxy, or run with --tunnel none)`,
  refused: (r) =>
    `Cloudflare refused the quick tunnel request: ${r} (quick tunnels are rate limited: wait a minute and retry)`,
  token: (r) => `cloudflared rejected the tunnel token: ${r} (check --tunnel-token)`,
  usage: (r) =>
    `cloudflared rejected its arguments: ${r} (update cloudflared, or point --cloudflared at a current binary)`,
  start: (r) => `cloudflared could not start the tunnel: ${r}`,
};

/** One-line message for a tunnel that never became ready, with the reason from the log. */
export function describeFailure(facts: FailureFacts): string {
  if (facts.fatal) return FIX_BY_CAUSE[facts.fatal.cause](facts.fatal.reason);
  const logged = facts.lastError ? `: ${facts.lastError}` : "";
  if (facts.timedOutMs !== undefined) {
    const secs = Math.round(facts.timedOutMs / 100) / 10;
    return `cloudflared did not register a tunnel connection within ${secs} s${logged} (outbound port 7844 may be blocked; retry, or run with --tunnel none)`;
  }
  const how = facts.signal ? `was killed by ${facts.signal}` : `exited with code ${facts.exitCode}`;
  return `cloudflared ${how} before the tunnel was ready${logged || " (nothing useful in its log)"}`;
}
