import type { SecretSource } from "../listen/secret.js";
import type { TunnelRecord } from "../listen/tunnel-record.js";
import type { DbFacts, Rejections } from "../store/health.js";

export type { DbFacts, Rejections } from "../store/health.js";

/** What the database says about its listener (the lock row, the recorded auth and tunnel). */
export interface ListenerFacts {
  running: boolean;
  pid?: number;
  startedAt?: string;
  /** The local hook URL of the running listener. */
  url?: string;
  /** The last listener's hook URL, when none runs. */
  lastUrl?: string;
  tunnel?: TunnelRecord;
  /** The header that carries the secret (lowercase). */
  header: string;
  /** Where its secret came from; `none`: it accepts any request. */
  secretSource: SecretSource;
  /** Forward targets of the (last) listener. */
  targets: string[];
  /** Auth rejections in the last 24 h, when the database could be read. */
  rejected?: Rejections;
}

/** Which cloudflared `listen` would run, or why none. */
export type CloudflaredInfo =
  | { found: true; path: string; source: "flag" | "path" | "npm"; version?: string; error?: string }
  | { found: false; error: string };

/** A HEAD to a forward target: its status, or why it got none, and how long it took. */
export interface TargetProbe {
  url: string;
  status?: number;
  error?: string;
  ms: number;
}

/** Everything local the checks read; gathered first, judged after. */
export interface LocalFacts {
  nodeVersion: string;
  db: DbFacts;
  listener?: ListenerFacts;
  now: number;
}
