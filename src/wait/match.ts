import { isDeepStrictEqual } from "node:util";
import { UsageError } from "../errors.js";
import { assignmentIndex, type PathSegment, parsePath } from "../payload/edit.js";

const EXAMPLE =
  "try --match outcome.result=FAILURE or --match 'target[].alternateId=sam@example.com'";
const LABEL = { flag: "--match", example: EXAMPLE };

/** Values shown per miss: enough to see why, bounded whatever the event holds. */
const SHOWN_VALUES = 3;
/** Longest value text kept for a miss (JSON of a field can be a whole object). */
const SHOWN_VALUE_CHARS = 80;

/**
 * One `--match path=value`. The path addresses the LogEvent (`[]` = any element); the value
 * matches a string field equal to its text, or any field equal to it read as JSON (`42`,
 * `true`, `null`, `"quoted"`), so `version=0` holds for `"0"` and for `0`.
 */
export interface MatchCondition {
  /** The argument as given, for messages. */
  raw: string;
  path: PathSegment[];
  /** The path as typed (`target[].alternateId`), for messages. */
  pathText: string;
  text: string;
  /** The value read as JSON, when it is JSON. */
  json?: { value: unknown };
}

/** Parse one `--match path=value`; a bad one is a UsageError (exit 2) naming it and the fix. */
export function parseMatchArg(arg: string): MatchCondition {
  const eq = assignmentIndex(arg);
  if (eq <= 0) throw new UsageError(`--match "${arg}": expected path=value (${EXAMPLE})`);
  const path = parsePath(arg.slice(0, eq), arg, LABEL);
  // The event is an object: a path that starts with an index can reach nothing.
  if (path[0]?.kind !== "key")
    throw new UsageError(`--match "${arg}": the path starts with a field name (${EXAMPLE})`);
  const text = arg.slice(eq + 1);
  const condition: MatchCondition = { raw: arg, path, pathText: arg.slice(0, eq), text };
  try {
    condition.json = { value: JSON.parse(text) };
  } catch {
    // plain text: compared with string fields only
  }
  return condition;
}

/** How one condition fared on one event: held or not, and what the path held instead. */
export interface ConditionOutcome {
  condition: MatchCondition;
  ok: boolean;
  /** JSON text of (up to 3 of) the values found at the path; empty when it is missing. */
  seen: string[];
  /** How many values the path reached (`[]` can reach many). */
  found: number;
}

/** Evaluate a condition against one LogEvent (any JSON value; nothing is trusted). */
export function evaluate(event: unknown, condition: MatchCondition): ConditionOutcome {
  const values: unknown[] = [];
  collect(event, condition.path, 0, values);
  const ok = values.some((v) => valueMatches(v, condition));
  const seen = values.slice(0, SHOWN_VALUES).map(shortJson);
  return { condition, ok, seen, found: values.length };
}

/** Whether a field holds what the condition asks for. */
export function valueMatches(value: unknown, condition: MatchCondition): boolean {
  if (typeof value === "string" && value === condition.text) return true;
  return condition.json !== undefined && isDeepStrictEqual(value, condition.json.value);
}

/** Every value the path reaches: `[*]` fans out over arrays, a missing step reaches nothing. */
function collect(node: unknown, path: readonly PathSegment[], i: number, out: unknown[]): void {
  if (i === path.length) {
    out.push(node);
    return;
  }
  const seg = path[i]!;
  if (seg.kind === "all") {
    if (Array.isArray(node)) for (const item of node) collect(item, path, i + 1, out);
    return;
  }
  if (seg.kind === "index") {
    if (Array.isArray(node) && seg.index < node.length) collect(node[seg.index], path, i + 1, out);
    return;
  }
  if (node === null || typeof node !== "object" || Array.isArray(node)) return;
  // Own properties only: a path must never read through the prototype (`constructor`, …).
  if (!Object.hasOwn(node, seg.key)) return;
  collect((node as Record<string, unknown>)[seg.key], path, i + 1, out);
}

function shortJson(value: unknown): string {
  const text = value === undefined ? "undefined" : JSON.stringify(value);
  return text.length > SHOWN_VALUE_CHARS ? `${text.slice(0, SHOWN_VALUE_CHARS - 1)}…` : text;
}
