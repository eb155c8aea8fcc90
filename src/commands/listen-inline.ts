import { UsageError } from "../errors.js";
import { normalizeTarget, type RoutingTable } from "../forward/routes.js";
import { INLINE_TYPE_NAMES, type InlineTypeName, isInlineTypeName } from "../inline/types.js";

/** The inline flags of `listen`, as commander parses them. */
interface InlineFlags {
  path: string;
  inlinePath: string;
  inlineTo?: string;
  registerInline?: string[];
}

/** `--inline-path`, `--inline-to` (default: the catch-all or only forward target), `--register-inline`. */
export function inlineSetup(flags: InlineFlags, routes: RoutingTable, tunnelMode: string) {
  const path = flags.inlinePath;
  if (!path.startsWith("/")) {
    throw new UsageError(
      `--inline-path "${path}": must start with / (try --inline-path /okta/inline)`,
    );
  }
  if (path === flags.path) {
    throw new UsageError(
      `--inline-path "${path}": must differ from --path (event hooks and inline hooks need their own URLs)`,
    );
  }
  const targets = routes.targets();
  const target = flags.inlineTo
    ? normalizeTarget(flags.inlineTo, flags.inlineTo, "--inline-to")
    : (routes.targetFor(null) ?? (targets.length === 1 ? targets[0] : undefined));
  const types = (flags.registerInline ?? []).flatMap((t) => t.split(",")).map((t) => t.trim());
  for (const t of types) {
    if (!isInlineTypeName(t)) {
      throw new UsageError(
        `--register-inline "${t}": not an inline hook type (one of ${INLINE_TYPE_NAMES.join(", ")})`,
      );
    }
  }
  if (types.length && tunnelMode === "none") {
    throw new UsageError(
      "--register-inline needs a public URL: drop --tunnel none (quick tunnel) or use --tunnel token --public-url",
    );
  }
  return { path, target, types: [...new Set(types)] as InlineTypeName[] };
}
