import { setTimeout as delay } from "node:timers/promises";
import { backoffMs } from "../backoff.js";
import { RemoteApiError } from "../errors.js";
import type { OktaClient } from "./client.js";
import type { EventHook, EventHookInput } from "./types.js";

/** How long verify is retried while a fresh tunnel hostname propagates. */
export const VERIFY_DEADLINE_MS = 60_000;
/** Longest single wait between two verify attempts. */
const VERIFY_MAX_DELAY_MS = 8_000;
/** Okta's limit of active, verified event hooks per org. */
export const ACTIVE_HOOK_LIMIT = 25;

/** What `--register` needs. */
export interface RegisterOptions {
  client: OktaClient;
  name: string;
  hookUrl: string;
  secret: string;
  authHeader: string;
  events: string[];
  /** Hook id remembered from an earlier run (DB meta), tried before the name. */
  knownId?: string;
  verifyDeadlineMs?: number;
  verifyBaseDelayMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** What is being waited for, and for how long (each request and each wait between verifies). */
  onProgress?: (message: string) => void;
  /** Told the hook id as soon as it exists, so a cancelled registration can still be undone. */
  onHookId?: (id: string) => void;
  /** Cancels the registration between steps and during waits (give the client the same signal). */
  signal?: AbortSignal;
}

/** The registered hook and whether this run created it. */
export interface Registered {
  hook: EventHook;
  created: boolean;
  verifyAttempts: number;
}

/**
 * Create or update okhook's event hook so it points at `hookUrl`, verify it (retrying while
 * DNS for a new tunnel hostname propagates), then activate it. Okta errors are RemoteApiErrors.
 */
export async function registerHook(o: RegisterOptions): Promise<Registered> {
  const step = () => o.signal?.throwIfAborted();
  o.onProgress?.(`looking up okhook's event hook in ${o.client.orgUrl}`);
  const existing = await findHook(o);
  step();
  const body = hookBody(o);
  let hook: EventHook;
  if (existing) {
    o.onHookId?.(existing.id);
    o.onProgress?.(`updating Okta event hook ${existing.id} to ${o.hookUrl}`);
    hook = await o.client.updateEventHook(existing.id, body);
  } else {
    o.onProgress?.(`creating Okta event hook "${o.name}"`);
    hook = await o.client.createEventHook(body);
    o.onHookId?.(hook.id);
  }
  step();
  const verifyAttempts = await verifyWithRetry(o, hook);
  step();
  hook = await o.client.getEventHook(hook.id);
  if (hook.status !== "ACTIVE") {
    step();
    await checkActiveLimit(o.client, hook.id);
    step();
    o.onProgress?.(`activating Okta event hook ${hook.id}`);
    hook = await o.client.activate(hook.id);
  }
  return { hook, created: !existing, verifyAttempts };
}

async function findHook(o: RegisterOptions): Promise<EventHook | undefined> {
  if (o.knownId) {
    try {
      return await o.client.getEventHook(o.knownId);
    } catch (err) {
      if (!(err instanceof RemoteApiError && err.status === 404)) throw err;
    }
  }
  const all = await o.client.listEventHooks();
  const mine = all.find((h) => h.name === o.name);
  if (!mine) {
    const active = all.filter(
      (h) => h.status === "ACTIVE" && h.verificationStatus === "VERIFIED",
    ).length;
    if (active >= ACTIVE_HOOK_LIMIT) throw limitError(active);
  }
  return mine;
}

async function checkActiveLimit(client: OktaClient, exceptId: string): Promise<void> {
  const all = await client.listEventHooks();
  const active = all.filter(
    (h) => h.id !== exceptId && h.status === "ACTIVE" && h.verificationStatus === "VERIFIED",
  ).length;
  if (active >= ACTIVE_HOOK_LIMIT) throw limitError(active);
}

function limitError(active: number): RemoteApiError {
  return new RemoteApiError(
    `the org already has ${active} active event hooks, Okta's limit is ${ACTIVE_HOOK_LIMIT}: deactivate one in the Admin Console (Workflow > Event Hooks) and run again`,
  );
}

function hookBody(o: RegisterOptions): EventHookInput {
  return {
    name: o.name,
    description:
      "Managed by okhook: points at a local development listener. Deactivated when okhook stops.",
    events: { type: "EVENT_TYPE", items: o.events },
    channel: {
      type: "HTTP",
      version: "1.0.0",
      config: {
        uri: o.hookUrl,
        headers: [],
        authScheme: { type: "HEADER", key: headerKey(o.authHeader), value: o.secret },
      },
    },
  };
}

/** `authorization` → `Authorization`, as the Admin Console writes it. */
export function headerKey(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

async function verifyWithRetry(o: RegisterOptions, hook: EventHook): Promise<number> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? defaultSleep;
  const totalMs = o.verifyDeadlineMs ?? VERIFY_DEADLINE_MS;
  const started = now();
  const deadline = started + totalMs;
  const upTo = `up to ${secs(totalMs)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      o.onProgress?.(
        `asking Okta to verify ${o.hookUrl} (attempt ${attempt}; retried for ${upTo} while a new tunnel hostname propagates)`,
      );
      await o.client.verify(hook.id);
      return attempt;
    } catch (err) {
      o.signal?.throwIfAborted();
      const retryable =
        err instanceof RemoteApiError && err.status === 400 && err.errorCode === "E0000001";
      const baseMs = o.verifyBaseDelayMs ?? 1000;
      const wait = backoffMs({ attempt, baseMs, maxMs: VERIFY_MAX_DELAY_MS, jitter: true });
      if (!retryable) throw err;
      if (now() + wait > deadline) {
        throw new RemoteApiError(
          `Okta could not verify ${o.hookUrl} within ${secs(totalMs)} (${err.message}); check it answers with: okhook send verify --to ${o.hookUrl}`,
          { status: err.status, errorCode: err.errorCode, errorId: err.errorId },
        );
      }
      o.onProgress?.(
        `Okta could not verify ${o.hookUrl} yet; retrying in ${secs(wait)} (${secs(now() - started)} of ${upTo})`,
      );
      await sleep(wait, o.signal);
    }
  }
}

/** A wait the signal cuts short (rejecting with its reason). */
function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : undefined);
}

/** `1500` → `2 s` (whole seconds: these are waits a person reads). */
function secs(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
