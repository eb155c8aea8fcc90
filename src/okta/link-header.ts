/** One `<url>; rel="…"` entry of a Link header. */
export interface LinkEntry {
  url: string;
  rels: string[];
}

/**
 * Parse Link header values (separate lines, or folded into one comma-joined value) into
 * entries. Commas inside `<…>` or quoted parameters do not split entries.
 */
export function parseLinkHeader(value: string | string[] | undefined | null): LinkEntry[] {
  if (value === undefined || value === null) return [];
  const joined = Array.isArray(value) ? value.join(", ") : value;
  const entries: LinkEntry[] = [];
  let i = 0;
  while (i < joined.length) {
    const open = joined.indexOf("<", i);
    if (open === -1) break;
    const close = joined.indexOf(">", open + 1);
    if (close === -1) break;
    const url = joined.slice(open + 1, close).trim();
    const end = endOfParams(joined, close + 1);
    entries.push({ url, rels: relsOf(joined.slice(close + 1, end)) });
    i = end + 1;
  }
  return entries;
}

/** The URL of the first entry whose rel list holds `rel` (case-insensitive), if any. */
export function findLink(
  value: string | string[] | undefined | null,
  rel: string,
): string | undefined {
  const wanted = rel.toLowerCase();
  return parseLinkHeader(value).find((e) => e.rels.includes(wanted))?.url;
}

function endOfParams(s: string, from: number): number {
  let quoted = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (c === "," && !quoted) return i;
  }
  return s.length;
}

function relsOf(params: string): string[] {
  for (const part of params.split(";")) {
    const m = /^\s*rel\s*=\s*(?:"([^"]*)"|([^\s"]+))\s*$/i.exec(part);
    if (m) return (m[1] ?? m[2] ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  }
  return [];
}
