import picomatch from "picomatch";

/**
 * The one glob engine for event types (`--events`, `--event-type`, `--forward-to pattern=`,
 * the TUI filter): picomatch, case-sensitive like Okta's types, with one set of options.
 * An event type is not a path: `*` matches any characters, dots and any `/` included
 * (`bash`), so `user.*` matches `user.lifecycle.delete.initiated` (as SQLite's GLOB did for
 * stored deliveries), on every OS (`windows: false`: a backslash is no separator).
 */
const OPTIONS: picomatch.PicomatchOptions = { dot: true, bash: true, windows: false };

/** True when the string holds glob characters (else it names one event type). */
export function isGlob(pattern: string): boolean {
  return /[*?[\]{}]/.test(pattern);
}

/**
 * Matcher for one glob over event types (`user.lifecycle.*`, `group.user_membership*`), the
 * same wherever a pattern is taken: `family.*` also matches the bare `family`, so
 * `app.user_management.*` includes `app.user_management` (Okta's own event type) when it
 * subscribes a hook, routes a forward, filters stored deliveries or waits for an event.
 */
export function globMatcher(pattern: string): (type: string) => boolean {
  const glob = picomatch(pattern, OPTIONS);
  const bare = pattern.endsWith(".*") ? pattern.slice(0, -2) : undefined;
  return (type) => type === bare || glob(type);
}
