/**
 * A small SCIM filter evaluator for the fake System Log: eq ne gt ge lt le pr sw ew co,
 * and/or/not, parentheses, dotted attributes (arrays match when any element matches).
 */

/** A filter that does not parse; `position` is where the parser gave up (0-based). */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

type Token = { kind: "word" | "string" | "(" | ")"; text: string; pos: number };
type Node =
  | { op: "and" | "or"; left: Node; right: Node }
  | { op: "not"; inner: Node }
  | { op: "cmp"; attr: string; cmp: string; value: unknown };

const COMPARATORS = new Set(["eq", "ne", "gt", "ge", "lt", "le", "sw", "ew", "co"]);

/** Compile a filter into a predicate over JSON objects. Throws FilterSyntaxError. */
export function compileFilter(source: string): (item: unknown) => boolean {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    throw new FilterSyntaxError(
      `${what} at position ${peek()?.pos ?? source.length}`,
      peek()?.pos ?? source.length,
    );
  };
  const isWord = (w: string) => peek()?.kind === "word" && peek()?.text.toLowerCase() === w;

  const parseOr = (): Node => {
    let left = parseAnd();
    while (isWord("or")) {
      i++;
      left = { op: "or", left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Node => {
    let left = parseUnary();
    while (isWord("and")) {
      i++;
      left = { op: "and", left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Node => {
    if (isWord("not")) {
      i++;
      if (peek()?.kind !== "(") fail("expected ( after not");
      return { op: "not", inner: parseUnary() };
    }
    if (peek()?.kind === "(") {
      i++;
      const inner = parseOr();
      if (peek()?.kind !== ")") fail("expected )");
      i++;
      return inner;
    }
    return parseComparison();
  };
  const parseComparison = (): Node => {
    const attr = peek();
    if (attr?.kind !== "word" || !/^[A-Za-z_][\w.]*$/.test(attr.text))
      return fail("expected an attribute");
    i++;
    const op = peek();
    const cmp = op?.kind === "word" ? op.text.toLowerCase() : "";
    if (cmp === "pr") {
      i++;
      return { op: "cmp", attr: attr.text, cmp, value: null };
    }
    if (!COMPARATORS.has(cmp)) return fail("expected an operator");
    i++;
    const v = peek();
    if (!v || (v.kind !== "string" && v.kind !== "word")) return fail("expected a value");
    i++;
    return { op: "cmp", attr: attr.text, cmp, value: literal(v, fail) };
  };

  const tree = parseOr();
  if (i !== tokens.length) fail("unexpected token");
  return (item) => evaluate(tree, item);
}

function literal(t: Token, fail: (what: string) => never): unknown {
  if (t.kind === "string") return t.text;
  if (t.text === "true") return true;
  if (t.text === "false") return false;
  if (t.text === "null") return null;
  if (/^-?\d+(\.\d+)?$/.test(t.text)) return Number(t.text);
  return fail("expected a quoted string");
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")") {
      tokens.push({ kind: c, text: c, pos: i++ });
    } else if (c === '"') {
      const start = i++;
      let text = "";
      while (i < source.length && source[i] !== '"') {
        if (source[i] === "\\" && i + 1 < source.length) i++;
        text += source[i++];
      }
      if (i >= source.length)
        throw new FilterSyntaxError(`unterminated string at position ${start}`, start);
      i++;
      tokens.push({ kind: "string", text, pos: start });
    } else {
      const start = i;
      while (i < source.length && !/[\s()"]/.test(source[i]!)) i++;
      tokens.push({ kind: "word", text: source.slice(start, i), pos: start });
    }
  }
  return tokens;
}

function evaluate(node: Node, item: unknown): boolean {
  if (node.op === "not") return !evaluate(node.inner, item);
  if (node.op === "cmp") {
    return valuesAt(item, node.attr.split(".")).some((v) => compare(node.cmp, v, node.value));
  }
  if (node.op === "and") return evaluate(node.left, item) && evaluate(node.right, item);
  return evaluate(node.left, item) || evaluate(node.right, item);
}

function valuesAt(item: unknown, path: string[]): unknown[] {
  if (Array.isArray(item)) return item.flatMap((x) => valuesAt(x, path));
  if (path.length === 0) return [item];
  if (item === null || typeof item !== "object") return [];
  const [head, ...rest] = path;
  return valuesAt((item as Record<string, unknown>)[head!], rest);
}

function compare(cmp: string, actual: unknown, expected: unknown): boolean {
  if (cmp === "pr") return actual !== null && actual !== undefined && actual !== "";
  if (cmp === "eq") return actual === expected;
  if (cmp === "ne") return actual !== expected;
  if (typeof actual !== "string" && typeof actual !== "number") return false;
  if (cmp === "sw") return String(actual).startsWith(String(expected));
  if (cmp === "ew") return String(actual).endsWith(String(expected));
  if (cmp === "co") return String(actual).includes(String(expected));
  const a = actual as string | number;
  const b = expected as string | number;
  if (cmp === "gt") return a > b;
  if (cmp === "ge") return a >= b;
  if (cmp === "lt") return a < b;
  return a <= b;
}
