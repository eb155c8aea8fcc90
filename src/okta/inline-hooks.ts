// The Inline Hooks management API (/api/v1/inlineHooks), research §4; operation ids and
// shapes from the management OpenAPI spec (OAS paths./api/v1/inlineHooks*).
import { RemoteApiError } from "../errors.js";
import { type OktaClient, unexpectedBody } from "./client.js";
import type { OktaOperation } from "./errors.js";

const READ: OktaOperation = { scope: "okta.inlineHooks.read", what: "read inline hooks" };
const MANAGE: OktaOperation = { scope: "okta.inlineHooks.manage", what: "manage inline hooks" };

/** The channel of an HTTP inline hook with header auth (the value is write-only). */
export interface InlineHookChannelInput {
  type: "HTTP";
  version: "1.0.0";
  config: {
    uri: string;
    method: "POST";
    headers?: { key: string; value: string }[];
    authScheme?: { type: "HEADER"; key: string; value: string };
  };
}

/** Create body (`type` is immutable afterwards: replace bodies omit it). */
export interface InlineHookInput {
  name: string;
  type: string;
  version: "1.0.0";
  channel: InlineHookChannelInput;
}

/** An inline hook as Okta returns it: never the auth value or a client secret. */
export interface InlineHook {
  id: string;
  name: string;
  type: string;
  version: string;
  status: "ACTIVE" | "INACTIVE";
  channel: {
    type: string;
    version: string;
    config: {
      uri: string;
      method?: string;
      headers?: { key: string; value: string }[] | null;
      authScheme?: { type: string; key: string } | null;
    };
  };
  created?: string;
  lastUpdated?: string;
  _links?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What `execute` returned: the app's own answer when it fits the type's contract, else Okta's 400. */
export type ExecuteResult =
  | { ok: true; response: unknown }
  | { ok: false; status: number; message: string; errorCode?: string };

/** Inline hook calls over an OktaClient (its auth, retries, rate-limit handling). */
export class InlineHooksApi {
  constructor(private readonly client: OktaClient) {}

  /** Every inline hook, or those of one type (`?type=`). */
  async list(type?: string): Promise<InlineHook[]> {
    const path = `/api/v1/inlineHooks${type ? `?type=${encodeURIComponent(type)}` : ""}`;
    const res = await this.client.request("GET", path, READ);
    if (!Array.isArray(res.json))
      throw unexpectedBody(res, "/api/v1/inlineHooks", "a list of inline hooks");
    return res.json as InlineHook[];
  }

  /** One inline hook by id. */
  get(id: string): Promise<InlineHook> {
    return this.hook("GET", hookPath(id), READ);
  }

  /** Create a hook; Okta answers 200 (not 201) with it ACTIVE. Not retried after a 5xx. */
  create(input: InlineHookInput): Promise<InlineHook> {
    return this.hook("POST", "/api/v1/inlineHooks", MANAGE, input, false);
  }

  /** Replace name, version and channel (PUT; the type can't change). */
  replace(id: string, input: Omit<InlineHookInput, "type">): Promise<InlineHook> {
    return this.hook("PUT", hookPath(id), MANAGE, input);
  }

  /** Activate a hook. */
  activate(id: string): Promise<InlineHook> {
    return this.hook("POST", `${hookPath(id)}/lifecycle/activate`, MANAGE);
  }

  /** Deactivate a hook (required before delete). */
  deactivate(id: string): Promise<InlineHook> {
    return this.hook("POST", `${hookPath(id)}/lifecycle/deactivate`, MANAGE);
  }

  /** Delete an INACTIVE hook (204). */
  async remove(id: string): Promise<void> {
    await this.client.request("DELETE", hookPath(id), MANAGE);
  }

  /**
   * Have Okta call the hook with `payload` through its channel (uri, auth, headers).
   * 200 carries the app's own answer (not Okta's interpretation); a timeout, error status
   * or contract mismatch is a 400 (OAS executeInlineHook), returned here, not thrown.
   * Never retried by okhook: each try calls the app.
   */
  async execute(id: string, payload: unknown): Promise<ExecuteResult> {
    try {
      const res = await this.client.request(
        "POST",
        `${hookPath(id)}/execute`,
        MANAGE,
        payload,
        false,
      );
      return { ok: true, response: res.json };
    } catch (err) {
      if (err instanceof RemoteApiError && err.status === 400) {
        return {
          ok: false,
          status: 400,
          message: err.message,
          ...(err.errorCode ? { errorCode: err.errorCode } : {}),
        };
      }
      throw err;
    }
  }

  private async hook(
    method: "GET" | "POST" | "PUT",
    path: string,
    op: OktaOperation,
    body?: unknown,
    idempotent = true,
  ): Promise<InlineHook> {
    const res = await this.client.request(method, path, op, body, idempotent);
    const hook = res.json as InlineHook | undefined;
    if (!hook || typeof hook !== "object" || typeof hook.id !== "string") {
      throw unexpectedBody(res, path, "an inline hook");
    }
    return hook;
  }
}

function hookPath(id: string): string {
  return `/api/v1/inlineHooks/${encodeURIComponent(id)}`;
}
