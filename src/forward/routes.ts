import { UsageError } from "../errors.js";
import { globMatcher } from "../event-type-glob.js";

/** One `--forward-to` entry: an optional event-type pattern and a target URL. */
export interface Route {
  pattern: string | null;
  target: string;
  matches: (eventType: string) => boolean;
}

const PATTERN_SPEC = /^([A-Za-z0-9_.*?{},-]+)=(.+)$/;

/**
 * Parse a `--forward-to` value: a URL, `host:port/path`, a bare port (`3000` →
 * `http://localhost:3000/`, `3000/users` → `http://localhost:3000/users`), or `pattern=URL`
 * to route event families.
 */
export function parseRoute(spec: string, flag = "--forward-to"): Route {
  const raw = spec.trim();
  const m = PATTERN_SPEC.exec(raw);
  if (m && !/^\d+$/.test(m[1]!)) {
    const pattern = m[1]!;
    const target = normalizeTarget(m[2]!, spec, flag);
    return { pattern, target, matches: globMatcher(pattern) };
  }
  return { pattern: null, target: normalizeTarget(raw, spec, flag), matches: () => true };
}

/** Turn a target spec into an absolute http(s) URL, or throw a usage error naming it. */
export function normalizeTarget(value: string, original = value, flag = "--forward-to"): string {
  let v = value.trim();
  // a bare port, or a port and a path (`3000/users`, which URL would read as host 0.0.11.184)
  const port = /^(\d{1,5})(\/.*)?$/.exec(v);
  if (port) v = `http://localhost:${port[1]}${port[2] ?? "/"}`;
  else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v) && /^[\w.-]+(:\d{1,5})?(\/|$)/.test(v))
    v = `http://${v}`;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw badTarget(original, flag);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname)
    throw badTarget(original, flag);
  if (url.username || url.password) {
    throw new UsageError(
      `${flag} "${redactUserinfo(original)}": credentials in the URL are not supported (use --forward-auth)`,
    );
  }
  return url.toString();
}

function redactUserinfo(s: string): string {
  return s.replace(/\/\/[^@/]*@/, "//…@");
}

function badTarget(spec: string, flag: string): UsageError {
  return new UsageError(
    `${flag} "${redactUserinfo(spec)}": not an http(s) URL (try http://localhost:3000/hooks, localhost:3000/hooks or 3000)`,
  );
}

/** The ordered routing table: first matching pattern wins, a bare URL is the catch-all. */
export class RoutingTable {
  constructor(readonly routes: readonly Route[]) {}

  /** Parse every `--forward-to` value (`flag` names their source in errors: OKHOOK_FORWARD_TO). */
  static parse(specs: readonly string[], flag = "--forward-to"): RoutingTable {
    return new RoutingTable(specs.map((spec) => parseRoute(spec, flag)));
  }

  get empty(): boolean {
    return this.routes.length === 0;
  }

  /** Distinct targets in configuration order. */
  targets(): string[] {
    return [...new Set(this.routes.map((r) => r.target))];
  }

  /** Target for one event type (first match), or null when nothing matches. */
  targetFor(eventType: string | null): string | null {
    for (const r of this.routes)
      if (r.pattern === null || (eventType !== null && r.matches(eventType))) return r.target;
    return null;
  }

  /**
   * Targets for a delivery: every target that at least one of its events routes to, so a
   * batch that mixes families reaches each app that wants part of it. The batch goes whole,
   * as Okta's original bytes: okhook never rewrites a body, so the app sees what Okta sent.
   */
  targetsFor(eventTypes: readonly (string | null)[]): string[] {
    const out = new Set<string>();
    for (const t of eventTypes.length ? eventTypes : [null]) {
      const target = this.targetFor(t);
      if (target) out.add(target);
    }
    return [...out];
  }
}

/** What one target receives, as the status block says it. */
export interface TargetRoute {
  target: string;
  /** E.g. `user.lifecycle.*`, `everything else`; null when it is the one catch-all route. */
  receives: string | null;
}

/**
 * Per target, what it receives under first-match routing: its patterns, "everything" or
 * "everything else" for the catch-all, "nothing" when its routes come after the catch-all.
 */
export function describeRoutes(
  routes: readonly { pattern: string | null; target: string }[],
): TargetRoute[] {
  const patterns = new Map<string, string[]>();
  const rest = new Map<string, string>();
  let catchAll = false;
  let elsewhere = false; // a pattern ahead of the catch-all routes to another target
  for (const r of routes) {
    const own = patterns.get(r.target) ?? [];
    patterns.set(r.target, own);
    if (catchAll) continue; // never matched: the catch-all took every event before it
    if (r.pattern !== null) {
      own.push(r.pattern);
      continue;
    }
    catchAll = true;
    elsewhere = [...patterns].some(([t, p]) => t !== r.target && p.length > 0);
    rest.set(r.target, elsewhere ? "everything else" : "everything");
  }
  return [...patterns].map(([target, own]) => ({
    target,
    receives:
      routes.length === 1 && catchAll
        ? null
        : (rest.get(target) ?? (own.length ? own.join(", ") : "nothing (after the catch-all)")),
  }));
}

/** What the status block adds under the targets: how batches and unmatched deliveries go. */
export function routingNotes(routes: readonly { pattern: string | null }[]): string[] {
  if (!routes.some((r) => r.pattern !== null)) return [];
  const notes = [
    "a batch goes whole (all its events, Okta's bytes) to each target one of its events routes to",
  ];
  if (!routes.some((r) => r.pattern === null))
    notes.push("a delivery none of whose events match is stored, not forwarded");
  return notes;
}
