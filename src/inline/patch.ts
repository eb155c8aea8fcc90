// JSON-Patch-like operations as token and SAML hooks use them, simulated on a copy of the
// request's data so each op sees the ops before it (Okta applies them in order, REF-TOK).
// Hand-written rather than a JSON Patch library: Okta's semantics differ from RFC 6902
// (no move/copy/test, `remove` may carry `value: null`) and the messages must be Okta's
// ("Path not found(op=replace, path=…)", EVT InlineHookDebugData examples).

/** A JSON Pointer split into unescaped segments, or why it is not one (RFC 6901). */
export type Pointer = { segments: string[] } | { error: string };

/** Parse `/claims/a~1b/0` into `["claims", "a/b", "0"]`. */
export function parsePointer(path: string): Pointer {
  if (path === "") return { segments: [] };
  if (!path.startsWith("/")) return { error: `path "${path}" must start with /` };
  const raw = path.slice(1).split("/");
  const segments: string[] = [];
  for (const seg of raw) {
    if (/~(?![01])/.test(seg)) {
      return { error: `path "${path}" has a ~ not followed by 0 or 1 (escape ~ as ~0, / as ~1)` };
    }
    segments.push(seg.replace(/~1/g, "/").replace(/~0/g, "~"));
  }
  return { segments };
}

/** The value at `segments` inside `doc`, and whether it exists. */
export function lookup(
  doc: unknown,
  segments: readonly string[],
): { found: boolean; value?: unknown } {
  let node = doc;
  for (const seg of segments) {
    if (Array.isArray(node)) {
      const i = arrayIndex(seg);
      if (i === undefined || i >= node.length) return { found: false };
      node = node[i];
    } else if (isObject(node) && Object.hasOwn(node, seg)) {
      node = node[seg];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node };
}

/** One op to simulate. `hasValue` tells `value: undefined` from a missing `value`. */
export interface SimOp {
  op: "add" | "replace" | "remove";
  path: string;
  segments: string[];
  value?: unknown;
  hasValue: boolean;
}

/**
 * Apply one op to `doc` in place; the reason it fails (in Okta's System Log wording), or
 * undefined when it applies. `doc` is the object the pointer is relative to.
 */
export function applyOp(doc: unknown, o: SimOp): string | undefined {
  const where = `(op=${o.op}, path=${o.path})`;
  if (o.op !== "remove" && (!o.hasValue || o.value === undefined)) {
    return `Value is required for add/replace operation${where}`;
  }
  if (o.op === "remove" && o.hasValue && o.value !== null) {
    return `remove takes no value (omit it or send null)${where}`;
  }
  const parent = lookup(doc, o.segments.slice(0, -1));
  const key = o.segments.at(-1);
  if (!parent.found || key === undefined) return `Path not found${where}`;
  const container = parent.value;
  if (Array.isArray(container)) return applyToArray(container, key, o, where);
  if (!isObject(container)) return `Path not found${where} (the parent is not an object)`;
  if (o.op !== "add" && !Object.hasOwn(container, key)) return `Path not found${where}`;
  if (o.op === "remove") delete container[key];
  else container[key] = structuredClone(o.value);
  return undefined;
}

function applyToArray(list: unknown[], key: string, o: SimOp, where: string): string | undefined {
  if (o.op === "add" && key === "-") {
    list.push(structuredClone(o.value));
    return undefined;
  }
  const i = arrayIndex(key);
  const limit = o.op === "add" ? list.length : list.length - 1;
  if (i === undefined || i > limit) return `Index out of range${where} (length ${list.length})`;
  if (o.op === "add") list.splice(i, 0, structuredClone(o.value));
  else if (o.op === "replace") list[i] = structuredClone(o.value);
  else list.splice(i, 1);
  return undefined;
}

function arrayIndex(seg: string): number | undefined {
  return /^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : undefined;
}

/** A plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
