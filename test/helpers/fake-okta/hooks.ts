import type { Dispatcher } from "undici";
import type { EventHook, EventHookInput, LogEvent } from "../../../src/okta/types.js";
import { type FakeReply, oktaError, oktaId } from "./okta-shapes.js";
import { type VerificationRecord, verifyEndpoint } from "./verify.js";

/** A hook as the fake keeps it: the full input (secret included) plus Okta's state. */
export interface StoredHook {
  id: string;
  input: EventHookInput;
  status: "ACTIVE" | "INACTIVE";
  verificationStatus: "VERIFIED" | "UNVERIFIED";
  created: string;
  lastUpdated: string;
}

/** What the hooks API needs from the fake around it. */
export interface HooksDeps {
  now: () => number;
  origin: () => string;
  log: (events: Partial<LogEvent>[]) => void;
  verifyTimeoutMs: number;
  dispatcher: Dispatcher;
  resolveUri?: (uri: string) => string;
  /** Real Okta demands https; the fake also takes http on loopback so tests reach node:http. */
  allowHttpLoopback: boolean;
}

const ADMIN_ID = "00u5a1xk9QvT2mBcd1d7";

/** The eight Event Hooks endpoints of okta-reference §4 with Okta's state rules. */
export class FakeHooks {
  readonly hooks = new Map<string, StoredHook>();
  readonly verifications: VerificationRecord[] = [];
  constructor(private readonly deps: HooksDeps) {}

  list(): FakeReply {
    return { status: 200, body: [...this.hooks.values()].map((h) => this.render(h)) };
  }

  get(id: string): FakeReply {
    const h = this.hooks.get(id);
    return h ? { status: 200, body: this.render(h) } : notFound(id);
  }

  create(body: unknown): FakeReply {
    const causes = validateInput(body, this.deps.allowHttpLoopback);
    if (causes.length > 0)
      return oktaError(400, "E0000001", "Api validation failed: eventHook", causes);
    const now = this.iso();
    const hook: StoredHook = {
      id: oktaId("who"),
      input: structuredClone(body as EventHookInput),
      status: "ACTIVE",
      verificationStatus: "UNVERIFIED",
      created: now,
      lastUpdated: now,
    };
    this.hooks.set(hook.id, hook);
    this.logLifecycle(hook, "event_hook.created", "Event hook created");
    return { status: 200, body: this.render(hook) };
  }

  replace(id: string, body: unknown): FakeReply {
    const h = this.hooks.get(id);
    if (!h) return notFound(id);
    const causes = validateInput(body, this.deps.allowHttpLoopback);
    if (causes.length > 0)
      return oktaError(400, "E0000001", "Api validation failed: eventHook", causes);
    const input = structuredClone(body as EventHookInput);
    if (JSON.stringify(input.channel) !== JSON.stringify(h.input.channel)) {
      h.verificationStatus = "UNVERIFIED";
    }
    h.input = input;
    h.lastUpdated = this.iso();
    this.logLifecycle(h, "event_hook.updated", "Event hook updated");
    return { status: 200, body: this.render(h) };
  }

  setStatus(id: string, status: StoredHook["status"]): FakeReply {
    const h = this.hooks.get(id);
    if (!h) return notFound(id);
    h.status = status;
    h.lastUpdated = this.iso();
    const type = status === "ACTIVE" ? "event_hook.activated" : "event_hook.deactivated";
    this.logLifecycle(
      h,
      type,
      status === "ACTIVE" ? "Event hook activated" : "Event hook deactivated",
    );
    return { status: 200, body: this.render(h) };
  }

  remove(id: string): FakeReply {
    const h = this.hooks.get(id);
    if (!h) return notFound(id);
    if (h.status !== "INACTIVE") {
      // Okta documents only "must be INACTIVE"; status and code here are a guess (§10 q11).
      return oktaError(400, "E0000001", "Api validation failed: eventHook", [
        "Event hook must be INACTIVE before it can be deleted",
      ]);
    }
    this.hooks.delete(id);
    this.logLifecycle(h, "event_hook.deleted", "Event hook deleted");
    return { status: 204 };
  }

  /** Send the real verification GET (3 s timeout, one retry) and record the outcome. */
  async verify(id: string): Promise<FakeReply> {
    const h = this.hooks.get(id);
    if (!h) return notFound(id);
    const record = await verifyEndpoint(h, {
      timeoutMs: this.deps.verifyTimeoutMs,
      dispatcher: this.deps.dispatcher,
      resolveUri: this.deps.resolveUri,
    });
    this.verifications.push(record);
    const debugData: Record<string, unknown> = record.ok ? {} : { errorMessage: record.reason };
    this.deps.log([
      {
        eventType: "event_hook.verified",
        displayMessage: "Event hook verified",
        outcome: {
          result: record.ok ? "SUCCESS" : "FAILURE",
          reason: record.ok ? null : record.reason,
        },
        target: [hookTarget(h)],
        debugContext: { debugData },
      },
    ]);
    if (!record.ok) {
      return oktaError(400, "E0000001", "Api validation failed: eventHook", [
        `Unable to verify event hook. Hook ${h.input.name} execution failed`,
      ]);
    }
    h.verificationStatus = "VERIFIED";
    h.lastUpdated = this.iso();
    return { status: 200, body: this.render(h) };
  }

  /**
   * Put a hook straight into a state (test setup: a hook an admin left INACTIVE, never
   * verified, pointing elsewhere, with another auth header). Real Okta reaches each of these
   * through its API; the fake logs nothing for a seed.
   */
  seed(s: {
    name: string;
    uri: string;
    authKey?: string | null;
    items?: string[];
    filter?: Record<string, unknown> | null;
    status?: StoredHook["status"];
    verificationStatus?: StoredHook["verificationStatus"];
  }): StoredHook {
    const now = this.iso();
    const hook: StoredHook = {
      id: oktaId("who"),
      input: {
        name: s.name,
        events: {
          type: "EVENT_TYPE",
          items: s.items ?? ["user.lifecycle.create"],
          filter: s.filter ?? null,
        },
        channel: {
          type: "HTTP",
          version: "1.0.0",
          config: {
            uri: s.uri,
            headers: [],
            authScheme:
              s.authKey === null
                ? null
                : { type: "HEADER", key: s.authKey ?? "Authorization", value: "seeded-secret" },
          },
        },
      },
      status: s.status ?? "ACTIVE",
      verificationStatus: s.verificationStatus ?? "VERIFIED",
      created: now,
      lastUpdated: now,
    };
    this.hooks.set(hook.id, hook);
    return hook;
  }

  /** Hooks that would receive this event type now: ACTIVE, VERIFIED and subscribed. */
  deliverable(eventType: string): StoredHook[] {
    return [...this.hooks.values()].filter(
      (h) =>
        h.status === "ACTIVE" &&
        h.verificationStatus === "VERIFIED" &&
        h.input.events.items.includes(eventType),
    );
  }

  private render(h: StoredHook): EventHook {
    const self = `${this.deps.origin()}/api/v1/eventHooks/${h.id}`;
    const auth = h.input.channel.config.authScheme;
    const toggle = h.status === "ACTIVE" ? "deactivate" : "activate";
    return {
      id: h.id,
      name: h.input.name,
      description: h.input.description ?? null,
      status: h.status,
      verificationStatus: h.verificationStatus,
      created: h.created,
      createdBy: ADMIN_ID,
      lastUpdated: h.lastUpdated,
      events: {
        type: h.input.events.type,
        items: [...h.input.events.items],
        filter: h.input.events.filter ?? null,
      },
      channel: {
        type: h.input.channel.type,
        version: h.input.channel.version,
        config: {
          uri: h.input.channel.config.uri,
          method: "POST",
          headers: h.input.channel.config.headers ?? [],
          authScheme: auth ? { type: auth.type, key: auth.key.toLowerCase() } : null,
        },
      },
      _links: {
        self: { href: self, hints: { allow: ["GET", "PUT", "DELETE"] } },
        verify: { href: `${self}/lifecycle/verify`, hints: { allow: ["POST"] } },
        [toggle]: { href: `${self}/lifecycle/${toggle}`, hints: { allow: ["POST"] } },
      },
    };
  }

  private logLifecycle(h: StoredHook, eventType: string, displayMessage: string): void {
    this.deps.log([{ eventType, displayMessage, target: [hookTarget(h)] }]);
  }

  private iso(): string {
    return new Date(this.deps.now()).toISOString();
  }
}

/** The System Log target naming a hook. */
export function hookTarget(h: StoredHook) {
  return {
    id: h.id,
    type: "EventHook",
    alternateId: h.input.channel.config.uri,
    displayName: h.input.name,
    detailEntry: null,
  };
}

function notFound(id: string): FakeReply {
  return oktaError(404, "E0000007", `Not found: Resource not found: ${id} (EventHook)`);
}

function validateInput(body: unknown, allowHttpLoopback: boolean): string[] {
  const b = body as Partial<EventHookInput> | null;
  if (!b || typeof b !== "object") return ["The request body was not well-formed."];
  const causes: string[] = [];
  if (typeof b.name !== "string" || b.name.trim() === "")
    causes.push("name: The field cannot be left blank");
  const items = b.events?.items;
  if (b.events?.type !== "EVENT_TYPE") causes.push("events.type: must be EVENT_TYPE");
  if (!Array.isArray(items) || items.length === 0 || items.some((i) => typeof i !== "string")) {
    causes.push("events.items: at least one event type is required");
  }
  const ch = b.channel;
  if (ch?.type !== "HTTP") causes.push("channel.type: must be HTTP");
  if (ch?.version !== "1.0.0") causes.push("channel.version: must be 1.0.0");
  if (!uriAllowed(ch?.config?.uri, allowHttpLoopback))
    causes.push("channel.config.uri: must be a valid HTTPS URL");
  const auth = ch?.config?.authScheme;
  if (
    auth &&
    (auth.type !== "HEADER" || typeof auth.key !== "string" || typeof auth.value !== "string")
  ) {
    causes.push("channel.config.authScheme: type HEADER with key and value is required");
  }
  return causes;
}

function uriAllowed(uri: unknown, allowHttpLoopback: boolean): boolean {
  if (typeof uri !== "string") return false;
  try {
    const u = new URL(uri);
    if (u.protocol === "https:") return true;
    return (
      allowHttpLoopback && u.protocol === "http:" && /^(127\.|\[::1\]$|localhost$)/.test(u.hostname)
    );
  } catch {
    return false;
  }
}
