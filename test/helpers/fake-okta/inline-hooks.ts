import type { Dispatcher } from "undici";
import type { InlineHook, InlineHookInput } from "../../../src/okta/inline-hooks.js";
import { withJson } from "./http-io.js";
import { answerOf, channelHeaders, invalid, notFound, validate } from "./inline-hook-rules.js";
import { type FakeReply, oktaError, oktaId } from "./okta-shapes.js";
import { type OutboundAttempt, outbound } from "./verify.js";

export { channelHeaders } from "./inline-hook-rules.js";

// The Inline Hooks API as research §4 describes it (OAS paths./api/v1/inlineHooks*).
// Error codes for the undocumented cases (101st hook, second active telephony hook, second
// password-import hook, DELETE while ACTIVE, execute of an INACTIVE hook) are ASSUMPTIONS:
// 400 E0000001 "Api validation failed: inlineHook", the family Okta uses for validation.

const TYPES = [
  "com.okta.import.transform",
  "com.okta.oauth2.tokens.transform",
  "com.okta.saml.tokens.transform",
  "com.okta.telephony.provider",
  "com.okta.user.credential.password.import",
  "com.okta.user.pre-registration",
];
/** Inline hooks per org (CON; BP; RN-2024: raised from 50). */
export const INLINE_HOOK_LIMIT = 100;

/** A hook as the fake keeps it: the input with the secret, plus Okta's state. */
export interface StoredInlineHook {
  id: string;
  input: InlineHookInput;
  status: "ACTIVE" | "INACTIVE";
  created: string;
  lastUpdated: string;
}

/** One `execute` call: what was sent and each attempt. */
export interface ExecutionRecord {
  hookId: string;
  headers: Record<string, string>;
  body: string;
  attempts: OutboundAttempt[];
}

/** What the fake around it provides. */
export interface InlineHooksDeps {
  now: () => number;
  origin: () => string;
  timeoutMs: number;
  dispatcher: Dispatcher;
  allowHttpLoopback: boolean;
  resolveUri?: (uri: string) => string;
}

/** The nine Inline Hooks endpoints with Okta's state rules. */
export class FakeInlineHooks {
  readonly hooks = new Map<string, StoredInlineHook>();
  readonly executions: ExecutionRecord[] = [];
  constructor(private readonly deps: InlineHooksDeps) {}

  list(type?: string): FakeReply {
    const all = [...this.hooks.values()].filter((h) => !type || h.input.type === type);
    return { status: 200, body: all.map((h) => this.render(h)) };
  }

  get(id: string): FakeReply {
    const h = this.hooks.get(id);
    return h ? { status: 200, body: this.render(h) } : notFound(id);
  }

  create(body: unknown): FakeReply {
    const b = body as Partial<InlineHookInput> | null;
    const causes = [...validate(b, this.deps.allowHttpLoopback), ...this.orgLimits(b)];
    if (!TYPES.includes(String(b?.type))) causes.push(`type: must be one of ${TYPES.join(", ")}`);
    if (causes.length) return invalid(causes);
    const now = this.iso();
    const hook: StoredInlineHook = {
      id: oktaId("cal"),
      input: structuredClone(b as InlineHookInput),
      status: "ACTIVE",
      created: now,
      lastUpdated: now,
    };
    this.hooks.set(hook.id, hook);
    return { status: 200, body: this.render(hook) }; // OAS createInlineHook: 200, not 201
  }

  /** PUT (replace) and POST /{id} (update): the type is immutable and not taken from the body. */
  replace(id: string, body: unknown): FakeReply {
    const h = this.hooks.get(id);
    if (!h) return notFound(id);
    const b = { ...(body as object), type: h.input.type } as InlineHookInput;
    const causes = validate(b, this.deps.allowHttpLoopback);
    if (this.hooksNamed(b.name).some((o) => o.id !== id))
      causes.push("name: An inline hook with this name already exists");
    if (causes.length) return invalid(causes);
    h.input = structuredClone(b);
    h.lastUpdated = this.iso();
    return { status: 200, body: this.render(h) };
  }

  setStatus(id: string, status: StoredInlineHook["status"]): FakeReply {
    const h = this.hooks.get(id);
    if (!h) return notFound(id);
    if (
      status === "ACTIVE" &&
      h.input.type === "com.okta.telephony.provider" &&
      this.activeTelephony(id)
    ) {
      return invalid(["Only one active telephony inline hook is allowed per org"]);
    }
    h.status = status;
    h.lastUpdated = this.iso();
    return { status: 200, body: this.render(h) };
  }

  remove(id: string): FakeReply {
    const h = this.hooks.get(id);
    if (!h) return notFound(id);
    if (h.status !== "INACTIVE")
      return invalid(["Inline hook must be INACTIVE before it can be deleted"]);
    this.hooks.delete(id);
    return { status: 204 };
  }

  /**
   * POST the payload through the hook's channel (3 s, one retry on timeout or error status,
   * OAS executeInlineHook) and answer with the service's JSON verbatim, or 400.
   */
  async execute(id: string, payload: string): Promise<FakeReply> {
    const h = this.hooks.get(id);
    if (!h) return notFound(id);
    if (h.status !== "ACTIVE") return invalid([`Inline hook ${id} is INACTIVE`]);
    const record: ExecutionRecord = {
      hookId: id,
      headers: channelHeaders(h),
      body: payload,
      attempts: [],
    };
    this.executions.push(record);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const a = await outbound(h.input.channel.config.uri, {
        method: "POST",
        headers: record.headers,
        body: payload,
        timeoutMs: this.deps.timeoutMs,
        dispatcher: this.deps.dispatcher,
        resolveUri: this.deps.resolveUri,
      });
      record.attempts.push(a);
      if (a.timedOut || a.status === undefined || a.status >= 300) continue;
      return answerOf(a);
    }
    const last = record.attempts.at(-1)!;
    const why = last.timedOut
      ? "Okta did not receive a response from the inline hook"
      : last.status
        ? `the inline hook answered ${last.status}`
        : `Okta could not communicate with the inline hook: ${last.error}`;
    return invalid([why]);
  }

  private orgLimits(b: Partial<InlineHookInput> | null): string[] {
    const causes: string[] = [];
    if (this.hooks.size >= INLINE_HOOK_LIMIT)
      causes.push(`The org already has ${INLINE_HOOK_LIMIT} inline hooks`);
    if (b?.name && this.hooksNamed(b.name).length)
      causes.push("name: An inline hook with this name already exists");
    if (b?.type === "com.okta.telephony.provider" && this.activeTelephony())
      causes.push("Only one active telephony inline hook is allowed per org");
    if (
      b?.type === "com.okta.user.credential.password.import" &&
      [...this.hooks.values()].some((h) => h.input.type === b.type)
    ) {
      causes.push("Only one password import inline hook is allowed per org");
    }
    return causes;
  }

  private hooksNamed(name: string): StoredInlineHook[] {
    return [...this.hooks.values()].filter((h) => h.input.name === name);
  }

  private activeTelephony(exceptId?: string): boolean {
    return [...this.hooks.values()].some(
      (h) =>
        h.id !== exceptId &&
        h.status === "ACTIVE" &&
        h.input.type === "com.okta.telephony.provider",
    );
  }

  private render(h: StoredInlineHook): InlineHook {
    const self = `${this.deps.origin()}/api/v1/inlineHooks/${h.id}`;
    const link = (href: string, method: string) => ({ href, hints: { allow: [method] } });
    const auth = h.input.channel.config.authScheme;
    // Research §4.1: the spec's examples contradict each other; ACTIVE ⇒ deactivate+execute,
    // INACTIVE ⇒ activate+delete is the "reasonable fake".
    const links =
      h.status === "ACTIVE"
        ? {
            deactivate: link(`${self}/lifecycle/deactivate`, "POST"),
            execute: link(`${self}/execute`, "POST"),
          }
        : { activate: link(`${self}/lifecycle/activate`, "POST"), delete: link(self, "DELETE") };
    return {
      id: h.id,
      status: h.status,
      name: h.input.name,
      type: h.input.type,
      version: h.input.version,
      channel: {
        type: h.input.channel.type,
        version: h.input.channel.version,
        config: {
          uri: h.input.channel.config.uri,
          method: "POST",
          headers: h.input.channel.config.headers ?? [],
          // authScheme.value is write-only (REF-API; OAS …AuthSchemeResponse has no value)
          authScheme: auth ? { type: auth.type, key: auth.key } : null,
        },
      },
      created: h.created,
      lastUpdated: h.lastUpdated,
      _links: { self: link(self, "GET"), ...links },
    };
  }

  private iso(): string {
    return new Date(this.deps.now()).toISOString().replace(/\.\d{3}Z$/, ".000Z");
  }
}

/** Inline Hooks API routes (research §4). */
export function routeInlineHooks(
  hooks: FakeInlineHooks,
  method: string,
  url: URL,
  body: string,
): FakeReply | Promise<FakeReply> {
  const path = url.pathname;
  if (path === "/api/v1/inlineHooks" && method === "GET") {
    return hooks.list(url.searchParams.get("type") ?? undefined);
  }
  if (path === "/api/v1/inlineHooks" && method === "POST")
    return withJson(body, (b) => hooks.create(b));
  const m =
    /^\/api\/v1\/inlineHooks\/([^/]+)(?:\/(execute|lifecycle\/activate|lifecycle\/deactivate))?$/.exec(
      path,
    );
  const id = decodeURIComponent(m?.[1] ?? "");
  const action = m?.[2];
  if (m && method === "POST" && action === "execute") return hooks.execute(id, body);
  if (m && method === "POST" && action) {
    return hooks.setStatus(id, action.endsWith("/activate") ? "ACTIVE" : "INACTIVE");
  }
  if (m && !action && method === "GET") return hooks.get(id);
  if (m && !action && (method === "PUT" || method === "POST")) {
    return withJson(body, (b) => hooks.replace(id, b));
  }
  if (m && !action && method === "DELETE") return hooks.remove(id);
  return oktaError(404, "E0000007", `Not found: Resource not found: ${path}`);
}
