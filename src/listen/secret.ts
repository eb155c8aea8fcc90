import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { ensurePrivateDir } from "../config.js";
import { ConfigError, describeError } from "../errors.js";
import { DEFAULT_AUTH_HEADER } from "../okta/delivery.js";
import type { Store } from "../store/store.js";
import { LISTENER_TUNNEL_META, lastPublicHookUrl } from "./tunnel-record.js";

/**
 * Secrets live in a 0600 file beside the database (`<db>.secrets.json`), never inside it, so
 * a DB file shared in a bug report never carries a credential. It holds the secrets generated
 * per configured port (`port:<n>`: the same hook keeps working across runs) and, under
 * `listener`, the values the database's last listener actually used.
 */
export function secretsFileFor(dbPath: string): string {
  return `${dbPath}.secrets.json`;
}

/** Where the listener's secret came from (never the value). */
export type SecretSource = "--secret" | "OKHOOK_SECRET" | "generated" | "none";
/** What forwarding sends in the auth header: the secret, a `--forward-auth` value, or nothing. */
export type ForwardMode = "secret" | "custom" | "none";
/** A value the listener used: known here, not used at all, or used but not stored on this machine. */
export type Known = { state: "value"; value: string } | { state: "none" } | { state: "unknown" };

/** What the database's listener used, for every command that re-sends (one lookup for all). */
export interface ListenerSecrets {
  /** False when no listener has said how it authenticates (none ran, or an older okhook). */
  recorded: boolean;
  dbPath: string;
  file: string;
  /** The header that carries the secret, inbound and forwarded. */
  header: string;
  /** The value the listener expects on its hook URL (what Okta sends). */
  inbound: Known;
  source: SecretSource;
  /** The value forwarding adds for the app. */
  forward: Known;
  forwardMode: ForwardMode;
  /** The listener's forward targets: where its forward value may go. */
  targets: string[];
  /** The listener's hook URL (meta `listener.url`). */
  listenerUrl: string | undefined;
  /** The public hook URL its tunnel last had: Okta's way in, the listener all the same. */
  publicUrl?: string;
}

/** The meta key holding the shape of the listener's auth (names and modes, never a value). */
export const LISTENER_AUTH_META = "listener.auth";
const LISTENER_ENTRY = "listener";

interface ListenerEntry {
  header: string;
  source: SecretSource;
  secret: string | null;
  forwardMode: ForwardMode;
  /** Only for `custom`: `secret` mode forwards the secret, `none` nothing. */
  forward?: string;
  targets: string[];
}

type SecretsFile = Record<string, unknown>;

/** The generated secret for `key` (e.g. `port:8787`), creating and saving one if needed. */
export function generatedSecret(dbPath: string, key: string): string {
  const pending = pendingSecret(dbPath, key);
  pending.save();
  return pending.secret;
}

/**
 * The generated secret for `key`: the saved one, or a new one that `save()` keeps. `listen`
 * saves it only once it is listening, so a run refused at start (port in use, database
 * taken) leaves no secrets file behind.
 */
export function pendingSecret(dbPath: string, key: string): { secret: string; save: () => void } {
  const all = readSecrets(secretsFileFor(dbPath));
  const existing = all[key];
  if (typeof existing === "string" && existing) return { secret: existing, save: () => {} };
  const secret = randomBytes(24).toString("base64url");
  const save = () => {
    const now = readSecrets(secretsFileFor(dbPath));
    if (typeof now[key] !== "string" || !now[key]) writeSecrets(dbPath, { ...now, [key]: secret });
  };
  return { secret, save };
}

/** What `listen` knows about its own auth when it records it. */
export interface ListenerAuthInput {
  header: string;
  /** The secret in use (given or generated); undefined = any request is accepted. */
  secret: string | undefined;
  flagSecret: string | undefined;
  envSecret: string | undefined;
  /** `--forward-auth` as given: a value, `none`, or undefined (forward the secret). */
  forwardAuth: string | undefined;
  targets: string[];
  /** Told when the values cannot be saved (the listener keeps running). */
  warn: (message: string) => void;
}

/**
 * Record what a started listener uses: the shape (header, modes) in the database's meta, the
 * values in the secrets file beside it. Called once the listener holds the database, so a
 * second listener refused on it never overwrites the running one's record.
 */
export function recordListenerAuth(
  store: Pick<Store, "meta">,
  dbPath: string,
  o: ListenerAuthInput,
): void {
  const source: SecretSource =
    o.secret === undefined
      ? "none"
      : o.flagSecret !== undefined
        ? "--secret"
        : o.envSecret !== undefined
          ? "OKHOOK_SECRET"
          : "generated";
  const forwardMode: ForwardMode =
    o.forwardAuth === "none"
      ? "none"
      : o.forwardAuth !== undefined
        ? "custom"
        : o.secret === undefined
          ? "none"
          : "secret";
  const entry: ListenerEntry = {
    header: o.header.toLowerCase(),
    source,
    secret: o.secret ?? null,
    forwardMode,
    ...(forwardMode === "custom" ? { forward: o.forwardAuth } : {}),
    targets: o.targets,
  };
  const shape: Shape = { header: entry.header, source, forwardMode, targets: o.targets };
  store.meta.set(LISTENER_AUTH_META, JSON.stringify(shape));
  try {
    writeSecrets(dbPath, { ...readSecrets(secretsFileFor(dbPath)), [LISTENER_ENTRY]: entry });
  } catch (err) {
    const code = describeError((err as Error).cause ?? err);
    o.warn(
      `cannot save the listener's secret in ${secretsFileFor(dbPath)} (${code}): replay, send and okhook secret will need --secret or OKHOOK_SECRET`,
    );
  }
}

/**
 * The one lookup every re-sending command uses (replay, show --curl, the TUI's r, reconcile
 * --replay-missing, send, `okhook secret`): what the database's listener used, read from
 * the secrets file, with the database's meta saying whether a missing value was ever used.
 */
export function listenerSecrets(
  dbPath: string,
  store: Pick<Store, "meta"> | null,
): ListenerSecrets {
  const file = secretsFileFor(dbPath);
  const all = readSecrets(file);
  const listenerUrl = store?.meta.get("listener.url");
  const publicUrl = lastPublicHookUrl(store?.meta.get(LISTENER_TUNNEL_META));
  const base = { dbPath, file, listenerUrl, publicUrl, targets: [] as string[] };
  const entry = asEntry(all[LISTENER_ENTRY]);
  const shape = parseShape(store?.meta.get(LISTENER_AUTH_META));
  if (entry && (!shape || sameShape(entry, shape))) return fromEntry(entry, base);
  if (shape) {
    // The listener used these, but the values are not on this machine (file removed or copied DB).
    const unknown = (used: boolean): Known => (used ? { state: "unknown" } : { state: "none" });
    return {
      ...base,
      recorded: true,
      header: shape.header,
      source: shape.source,
      inbound: unknown(shape.source !== "none"),
      forwardMode: shape.forwardMode,
      forward: unknown(shape.forwardMode !== "none"),
      targets: shape.targets,
    };
  }
  return legacy(all, store?.meta.get("listener.secretKey"), base);
}

function fromEntry(
  e: ListenerEntry,
  base: Pick<ListenerSecrets, "dbPath" | "file" | "listenerUrl" | "publicUrl">,
) {
  const inbound: Known = e.secret ? { state: "value", value: e.secret } : { state: "none" };
  const forward: Known =
    e.forwardMode === "custom" && e.forward
      ? { state: "value", value: e.forward }
      : e.forwardMode === "secret"
        ? inbound
        : { state: "none" };
  return {
    ...base,
    recorded: true,
    header: e.header,
    source: e.source,
    inbound,
    forwardMode: e.forwardMode,
    forward,
    targets: e.targets,
  } satisfies ListenerSecrets;
}

/** Databases written before the listener recorded its auth: only a generated secret is known. */
function legacy(
  all: SecretsFile,
  secretKey: string | undefined,
  base: Pick<ListenerSecrets, "dbPath" | "file" | "listenerUrl" | "publicUrl" | "targets">,
): ListenerSecrets {
  const generated = secretKey ? all[secretKey] : undefined;
  if (!secretKey)
    return {
      ...base,
      recorded: false,
      header: DEFAULT_AUTH_HEADER,
      source: "none",
      inbound: { state: "none" },
      forwardMode: "none",
      forward: { state: "none" },
    };
  const known: Known =
    typeof generated === "string" && generated
      ? { state: "value", value: generated }
      : { state: "unknown" };
  return {
    ...base,
    recorded: true,
    header: DEFAULT_AUTH_HEADER,
    source: "generated",
    inbound: known,
    forwardMode: "secret",
    forward: known,
  };
}

/** What the database's meta says about the listener's auth: names and modes, never a value. */
interface Shape {
  header: string;
  source: SecretSource;
  forwardMode: ForwardMode;
  targets: string[];
}

const SOURCES: readonly SecretSource[] = ["--secret", "OKHOOK_SECRET", "generated", "none"];
const MODES: readonly ForwardMode[] = ["secret", "custom", "none"];

function parseShape(raw: string | undefined): Shape | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<Shape>;
    if (
      typeof v.header === "string" &&
      SOURCES.includes(v.source as SecretSource) &&
      MODES.includes(v.forwardMode as ForwardMode)
    )
      return { ...v, targets: Array.isArray(v.targets) ? v.targets.map(String) : [] } as Shape;
  } catch {
    // a damaged meta row: treated as not recorded
  }
  return undefined;
}

function sameShape(e: ListenerEntry, s: Shape): boolean {
  return e.header === s.header && e.source === s.source && e.forwardMode === s.forwardMode;
}

function asEntry(v: unknown): ListenerEntry | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const e = v as Partial<ListenerEntry>;
  if (
    typeof e.header !== "string" ||
    !SOURCES.includes(e.source as SecretSource) ||
    !MODES.includes(e.forwardMode as ForwardMode) ||
    !(e.secret === null || typeof e.secret === "string")
  )
    return undefined;
  return { ...e, targets: Array.isArray(e.targets) ? e.targets.map(String) : [] } as ListenerEntry;
}

function readSecrets(file: string): SecretsFile {
  if (!existsSync(file)) return {};
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as SecretsFile) : {};
  } catch {
    return {};
  }
}

/** Replace the secrets file atomically, 0600 from the first byte. */
function writeSecrets(dbPath: string, all: SecretsFile): void {
  const file = secretsFileFor(dbPath);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    // On a first run the DB directory does not exist yet: the secret is written before the DB.
    ensurePrivateDir(file);
    writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new ConfigError(
      `--db ${dbPath}: cannot save the secret in ${file} (${code}); pass --db <writable file> or set --secret`,
      { cause: err },
    );
  }
}
