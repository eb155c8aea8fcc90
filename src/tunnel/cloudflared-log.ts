/**
 * Pure reading of cloudflared's console log (stderr). Every check matches a substring, never a
 * whole line, because the timestamp/level prefix and the field order are cloudflared's to change.
 * The lines were captured from cloudflared 2025.5.0 (see ../shared/cloudflared-real/README.md)
 * and are unchanged in its source up to 2026.8.2.
 */

/** Why cloudflared gave up, as far as its log tells. */
export type FatalCause =
  | "quick-unreachable"
  | "quick-answer"
  | "edge-dns"
  | "token"
  | "usage"
  | "start";

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
  /** A registered connection ended: `Failed to serve tunnel connection` or `Unregistered …`. */
  | { kind: "disconnected"; connIndex: number; reason: string; stamp?: string }
  /** `Starting metrics server on 127.0.0.1:20241/metrics`: where `/ready` answers. */
  | { kind: "metrics"; address: string }
  /** `Initiating graceful shutdown due to signal …`: what follows is the shutdown, not a drop. */
  | { kind: "shutdown" }
  /** The quick tunnel service's answer was not a tunnel (HTTP status and a bit of the body). */
  | { kind: "quick-answer"; status?: string; body: string; reason: string }
  | { kind: "fatal"; cause: FatalCause; reason: string }
  /** An ERR line; `conn` when it is about one edge connection (it has a connIndex). */
  | { kind: "error"; reason: string; stamp?: string; conn: boolean };

/** Quick tunnel hostnames are random words under trycloudflare.com. */
export const QUICK_TUNNEL_URL_RE = /https:\/\/[a-z0-9-]+\.trycloudflare\.com/;

/** Longest reason kept from a log line, so error messages stay one readable line. */
export const MAX_REASON_CHARS = 300;

/** Longest partial line buffered while waiting for its newline. */
export const MAX_PENDING_LINE_CHARS = 64 * 1024;

const FATAL_PATTERNS: ReadonlyArray<{ needle: RegExp; cause: FatalCause }> = [
  { needle: /failed to request quick Tunnel/i, cause: "quick-unreachable" },
  { needle: /failed to read quick-tunnel response/i, cause: "quick-unreachable" },
  { needle: /failed to unmarshal quick Tunnel/i, cause: "quick-answer" },
  { needle: /failed to parse quick Tunnel ID/i, cause: "quick-answer" },
  { needle: /Could not lookup srv records/i, cause: "edge-dns" },
  { needle: /Provided Tunnel token is not valid/i, cause: "token" },
  { needle: /Failed to read token file/i, cause: "token" },
  { needle: /Incorrect Usage/, cause: "usage" },
  { needle: /Couldn't start tunnel/, cause: "start" },
  { needle: /(?:^|\s)panic: /, cause: "start" },
];

const LEVEL_RE = /(?:^|\s)(DBG|INF|WRN|ERR|FTL)(?=\s|$)/;
const STAMP_RE = /^(\d{4}-\d\d-\d\dT\S+)\s/;

/** Classify one line of cloudflared output (already scrubbed of secrets). */
export function parseCloudflaredLine(line: string): CloudflaredLine | null {
  const level = LEVEL_RE.exec(line)?.[1];
  for (const { needle, cause } of FATAL_PATTERNS) {
    if (needle.test(line)) return { kind: "fatal", cause, reason: fatalReason(line) };
  }
  if (level === "FTL") return { kind: "fatal", cause: "start", reason: reasonOf(line) };
  if (line.includes("Registered tunnel connection")) return registered(line);
  if (line.includes("Unregistered tunnel connection")) {
    return { kind: "disconnected", connIndex: connIndexOf(line), reason: "unregistered" };
  }
  if (line.includes("Failed to serve tunnel connection")) {
    const stamp = STAMP_RE.exec(line)?.[1];
    return { kind: "disconnected", connIndex: connIndexOf(line), reason: reasonOf(line), stamp };
  }
  if (line.includes("Initiating graceful shutdown")) return { kind: "shutdown" };
  const metrics = /Starting metrics server on (\S+?)\/metrics/.exec(line)?.[1];
  if (metrics) return { kind: "metrics", address: metrics };
  if (line.includes("Error unmarshaling QuickTunnel response")) return quickAnswer(line);
  if (level === "ERR") {
    const conn = field(line, "connIndex") !== undefined;
    return { kind: "error", reason: reasonOf(line), stamp: STAMP_RE.exec(line)?.[1], conn };
  }
  const url = QUICK_TUNNEL_URL_RE.exec(line)?.[0];
  // api.trycloudflare.com is the service cloudflared asks for a tunnel, never a tunnel URL.
  if (url && url !== "https://api.trycloudflare.com") return { kind: "url", url };
  return null;
}

function registered(line: string): CloudflaredLine {
  return {
    kind: "registered",
    connIndex: connIndexOf(line),
    location: field(line, "location"),
    connection: field(line, "connection"),
    ip: field(line, "ip"),
    protocol: field(line, "protocol"),
  };
}

function connIndexOf(line: string): number {
  return Number(field(line, "connIndex") ?? 0);
}

/** `Initiating shutdown error="…"` is only a wrapper: the error is the reason. */
function fatalReason(line: string): string {
  if (/Initiating shutdown/.test(line)) {
    const error = field(line, "error");
    if (error) return oneLine(error);
  }
  return reasonOf(line);
}

function quickAnswer(line: string): CloudflaredLine {
  const levelMatch = LEVEL_RE.exec(line);
  const rest = levelMatch ? line.slice(levelMatch.index + levelMatch[0].length) : line;
  const firstField = /(?:^|\s)[A-Za-z_][\w-]*=/.exec(rest);
  const message = (firstField ? rest.slice(0, firstField.index) : rest).trim();
  const body = message.replace(/^Error unmarshaling QuickTunnel response:\s*/, "");
  return {
    kind: "quick-answer",
    status: field(rest, "status_code"),
    body: oneLine(body, 80),
    reason: reasonOf(line),
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

// C0/C1 controls (ESC among them): a reason may quote a remote answer and ends up on a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/g;

/** Collapse whitespace, drop control characters and cap the length: one printable line. */
export function oneLine(text: string, max = MAX_REASON_CHARS): string {
  const flat = text.replace(/\s+/g, " ").replace(CONTROL_RE, "").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The newest problem a cloudflared run logged, one per ERR block: cloudflared prints some errors
 * as several ERR lines with one timestamp (edge discovery's eight-line advice ending in a
 * 1.1.1.1 URL); the block's first line is the one that says what went wrong.
 */
export class ProblemTracker {
  private headline: string | undefined;
  private blockStamp: string | undefined;
  private inBlock = false;

  /** Feed every parsed line (null for lines that mean nothing), in order; true when it starts a new problem. */
  push(parsed: CloudflaredLine | null): boolean {
    if (parsed?.kind === "quick-answer") this.headline = parsed.reason;
    const isProblem =
      parsed?.kind === "error" ||
      (parsed?.kind === "disconnected" && parsed.reason !== "unregistered");
    if (!isProblem || !parsed || (parsed.kind !== "error" && parsed.kind !== "disconnected")) {
      this.inBlock = false;
      return false;
    }
    const continues =
      this.inBlock && parsed.stamp !== undefined && parsed.stamp === this.blockStamp;
    this.inBlock = true;
    this.blockStamp = parsed.stamp;
    if (continues) return false;
    this.headline = parsed.reason;
    return true;
  }

  /** The newest problem since the last `clear()`. */
  latest(): string | undefined {
    return this.headline;
  }

  /** Forget what went before (a connection registered: earlier errors are history). */
  clear(): void {
    this.headline = undefined;
    this.inBlock = false;
  }
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
