import { UsageError } from "../errors.js";
import { ENVELOPE_KEYS } from "../okta/hook-types.js";

/** One step of an edit path: an object key, an array index, or `[*]` (every element). */
export type PathSegment =
  | { kind: "key"; key: string }
  | { kind: "index"; index: number }
  | { kind: "all" };

/** A parsed `--set path=value`. `raw` is the argument as given, for error messages. */
export interface Edit {
  raw: string;
  path: PathSegment[];
  value: unknown;
}

const EXAMPLE = "try --set outcome.result=FAILURE or --set 'target[0].displayName=\"Ana\"'";

/**
 * Parse `path=value`. The value is JSON when it parses as JSON (`3`, `true`, `null`,
 * `{"a":1}`, `"quoted"`), otherwise the text itself.
 */
export function parseSetArg(arg: string): Edit {
  const eq = assignmentIndex(arg);
  if (eq <= 0) throw new UsageError(`--set "${arg}": expected path=value (${EXAMPLE})`);
  const path = parsePath(arg.slice(0, eq), arg);
  return { raw: arg, path, value: parseValue(arg.slice(eq + 1)) };
}

/** Index of the first `=` outside a quoted `["key"]`, or -1. */
export function assignmentIndex(arg: string): number {
  let quoted = false;
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (quoted && c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (c === "=" && !quoted) return i;
  }
  return -1;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Which flag a path belongs to, for its error messages. */
export interface PathLabel {
  flag: string;
  example: string;
}

const SET_LABEL: PathLabel = { flag: "--set", example: EXAMPLE };

/**
 * Parse `a.b`, `a[0].b`, `data.events[*].outcome.result`, `debugData["x.y"]`; `[]` is the
 * same as `[*]` (any/every element). `label` names the flag in errors (`--set` by default).
 */
export function parsePath(
  text: string,
  raw: string = text,
  label: PathLabel = SET_LABEL,
): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /\.?([^.[\]"=]+)|\[(\d+|\*|"(?:[^"\\]|\\.)*"|)\]/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    const dotted = m?.[0].startsWith(".");
    if (!m || (dotted && segments.length === 0) || (!dotted && m[1] && segments.length > 0)) {
      throw badPath(raw, text, pos, label);
    }
    let segment: PathSegment;
    try {
      segment = toSegment(m[1], m[2]);
    } catch {
      throw badPath(raw, text, pos, label);
    }
    // Writing through __proto__ would change Object.prototype for the whole process.
    if (segment.kind === "key" && segment.key === "__proto__") throw badPath(raw, text, pos, label);
    segments.push(segment);
    pos = re.lastIndex;
  }
  if (segments.length === 0 || text.endsWith(".")) throw badPath(raw, text, text.length, label);
  return segments;
}

function toSegment(key: string | undefined, bracket: string | undefined): PathSegment {
  if (key !== undefined) return { kind: "key", key };
  if (bracket === "*" || bracket === "") return { kind: "all" };
  if (bracket?.startsWith('"')) return { kind: "key", key: JSON.parse(bracket) as string };
  return { kind: "index", index: Number(bracket) };
}

function badPath(raw: string, path: string, pos: number, label: PathLabel): UsageError {
  const where = pos < path.length ? `at "${path.slice(pos)}"` : "at its end";
  return new UsageError(`${label.flag} "${raw}": bad path ${where} (${label.example})`);
}

/** Render a path back to its text form (`data.events[*].outcome`). */
export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((s, i) => {
      if (s.kind === "all") return "[*]";
      if (s.kind === "index") return `[${s.index}]`;
      if (!/^[^.[\]"=]+$/.test(s.key)) return `[${JSON.stringify(s.key)}]`;
      return i === 0 ? s.key : `.${s.key}`;
    })
    .join("");
}

/** The prefix that makes a path address the envelope: `envelope.eventType=…`. */
export const ENVELOPE_PREFIX = "envelope";

/**
 * Envelope keys no LogEvent has (`data`, `source`, `eventId`, …): a path starting with one
 * can only mean the envelope. `eventType` is in both, and a user editing events means theirs.
 */
const ENVELOPE_ONLY_KEYS = ENVELOPE_KEYS.filter((k) => k !== "eventType");

/**
 * Where an edit applies: the envelope (a path starting with `envelope.`, which is dropped, or
 * with a key only the envelope has: `data.events[0].x`, `source`) or else every event.
 */
export function editTarget(path: readonly PathSegment[]): {
  on: "envelope" | "events";
  path: readonly PathSegment[];
} {
  const first = path[0];
  if (first?.kind === "key" && first.key === ENVELOPE_PREFIX && path.length > 1)
    return { on: "envelope", path: path.slice(1) };
  if (first?.kind === "key" && ENVELOPE_ONLY_KEYS.includes(first.key))
    return { on: "envelope", path };
  return { on: "events", path };
}

/**
 * Apply edits to a copy of an envelope. Paths address each LogEvent in `data.events` (so
 * `outcome.result=FAILURE` or `eventType=…` change every event), except `envelope.<path>` and
 * paths starting with a key only the envelope has (`data.events[0].eventType`, `source`,
 * `eventId`), which edit the envelope. Missing objects are created.
 */
export function applyEdits<T extends object>(envelope: T, edits: readonly Edit[]): T {
  const copy = structuredClone(envelope);
  for (const edit of edits) {
    const { on, path } = editTarget(edit.path);
    if (on === "envelope") {
      setPath(copy, path, edit.value, edit.raw);
      continue;
    }
    const events = (copy as { data?: { events?: unknown } }).data?.events;
    if (!Array.isArray(events)) {
      throw new UsageError(
        `--set "${edit.raw}": the payload has no data.events[] to edit (edit the body itself with --set ${ENVELOPE_PREFIX}.${edit.raw})`,
      );
    }
    for (const event of events) setPath(event, path, edit.value, edit.raw);
  }
  return copy;
}

/** Set `value` at `path` inside `root`, creating missing objects and arrays on the way. */
export function setPath(
  root: unknown,
  path: readonly PathSegment[],
  value: unknown,
  raw: string = formatPath(path),
): void {
  walk(root, path, 0, value, raw);
}

function walk(node: unknown, path: readonly PathSegment[], i: number, value: unknown, raw: string) {
  const seg = path[i]!;
  const where = formatPath(path.slice(0, i)) || "the payload";
  if (seg.kind === "all") {
    if (!Array.isArray(node)) throw new UsageError(`--set "${raw}": ${where} is not an array`);
    for (let j = 0; j < node.length; j++) step(node, j, path, i, value, raw);
    return;
  }
  if (seg.kind === "index") {
    if (!Array.isArray(node)) throw new UsageError(`--set "${raw}": ${where} is not an array`);
    if (seg.index > node.length) {
      throw new UsageError(
        `--set "${raw}": index ${seg.index} is past the end of ${where} (length ${node.length})`,
      );
    }
    step(node, seg.index, path, i, value, raw);
    return;
  }
  if (node === null || typeof node !== "object" || Array.isArray(node)) {
    throw new UsageError(`--set "${raw}": ${where} is ${describe(node)}, not an object`);
  }
  step(node as Record<string, unknown>, seg.key, path, i, value, raw);
}

function step(
  container: object,
  key: string | number,
  path: readonly PathSegment[],
  i: number,
  value: unknown,
  raw: string,
) {
  const parent = container as Record<string | number, unknown>;
  if (i === path.length - 1) {
    parent[key] = value;
    return;
  }
  const next = path[i + 1]!;
  if (parent[key] === undefined || parent[key] === null)
    parent[key] = next.kind === "key" ? {} : [];
  walk(parent[key], path, i + 1, value, raw);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return `a ${typeof value}`;
}
