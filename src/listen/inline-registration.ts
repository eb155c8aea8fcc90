import { hostname } from "node:os";
import type { EventBus } from "../events.js";
import type { InlineTypeName } from "../inline/types.js";
import type { OktaClient, OktaClientOptions } from "../okta/client.js";
import { InlineHooksApi } from "../okta/inline-hooks.js";
import { registerInlineHook } from "../okta/inline-register.js";
import type { Store } from "../store/store.js";
import {
  DEACTIVATE_TIMEOUT_MS,
  type OrgInput,
  type ProgressFn,
  planOrg,
} from "./hook-registration.js";

/** What `--register-inline` needs, checked before the listener starts. */
export interface InlineRegisterPlan {
  orgUrl: string;
  types: InlineTypeName[];
  /** Hook name per type: `okhook token <host>`. */
  name: (type: InlineTypeName) => string;
  client: (
    extra?: Pick<OktaClientOptions, "signal" | "requestTimeoutMs" | "maxRetries">,
  ) => OktaClient;
}

/** Check `--register-inline`'s org and token now (exit 2/3 before anything starts). */
export function planRegisterInline(o: OrgInput & { types: InlineTypeName[] }): InlineRegisterPlan {
  const org = planOrg(o, "--register-inline");
  const host = hostname();
  return { ...org, types: o.types, name: (type) => `okhook ${type} ${host}` };
}

/**
 * okhook's Okta inline hooks for one listen session: each type pointed at the public inline
 * URL (create/update → activate), again when the URL changes, deactivated at shutdown after
 * cancelling any step in flight.
 */
export class InlineRegistration {
  private readonly abort = new AbortController();
  private chain: Promise<unknown> = Promise.resolve();
  private readonly ids = new Map<InlineTypeName, string>();
  /** Types this run tried to register: only those are deactivated at shutdown. */
  private readonly attempted = new Set<InlineTypeName>();

  constructor(
    private readonly o: {
      plan: InlineRegisterPlan;
      store: Store;
      bus: EventBus;
      secret: string;
      authHeader: string;
      onProgress?: ProgressFn;
    },
  ) {
    for (const t of o.plan.types) {
      const id = o.store.meta.get(this.metaKey(t));
      if (id) this.ids.set(t, id);
    }
  }

  /** True once shutdown began. */
  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  /** Point every inline hook at `inlineUrl`; calls run one after another. */
  register(inlineUrl: string): Promise<void> {
    const run = this.chain.then(() => this.registerAll(inlineUrl));
    this.chain = run.catch(() => {});
    return run;
  }

  /** Cancel what is in flight, then deactivate (never delete) every hook this run touched. */
  async shutdown(): Promise<void> {
    this.abort.abort(new Error("okhook is stopping"));
    await this.chain;
    if (this.attempted.size === 0) return;
    const api = new InlineHooksApi(
      this.o.plan.client({ requestTimeoutMs: DEACTIVATE_TIMEOUT_MS, maxRetries: 1 }),
    );
    for (const type of this.attempted) {
      let id = this.ids.get(type);
      try {
        // a create cancelled in flight may still have happened at Okta: find it by its name
        id ??= (await api.list()).find((h) => h.name === this.o.plan.name(type))?.id;
        if (!id) continue;
        this.o.onProgress?.(`deactivating Okta inline hook ${id}`);
        const hook = await api.deactivate(id);
        this.o.bus.emit({
          type: "inline-hook",
          hookId: id,
          inlineType: type,
          status: hook.status,
          detail: "deactivated",
        });
      } catch (err) {
        this.o.bus.emit({
          type: "warning",
          message: `could not deactivate Okta inline hook ${id}: ${(err as Error).message} (deactivate it in the Admin Console: Workflow > Inline Hooks)`,
        });
      }
    }
    this.o.onProgress?.(undefined);
  }

  private async registerAll(inlineUrl: string): Promise<void> {
    const signal = this.abort.signal;
    const api = new InlineHooksApi(this.o.plan.client({ signal }));
    try {
      for (const type of this.o.plan.types) {
        signal.throwIfAborted();
        this.attempted.add(type);
        const { hook, created } = await registerInlineHook({
          api,
          type,
          name: this.o.plan.name(type),
          hookUrl: inlineUrl,
          secret: this.o.secret,
          authHeader: this.o.authHeader,
          knownId: this.ids.get(type),
          onProgress: (m) => this.o.onProgress?.(m),
          onHookId: (id) => this.remember(type, id),
          signal,
        });
        this.o.bus.emit({
          type: "inline-hook",
          hookId: hook.id,
          inlineType: type,
          status: hook.status,
          detail: `${created ? "created" : "updated"} ${type} inline hook "${hook.name}" → ${inlineUrl}; deactivated when okhook stops`,
        });
      }
    } finally {
      this.o.onProgress?.(undefined);
    }
  }

  private remember(type: InlineTypeName, id: string): void {
    this.ids.set(type, id);
    this.o.store.meta.set(this.metaKey(type), id);
  }

  private metaKey(type: InlineTypeName): string {
    return `okta.inlineHookId:${this.o.plan.orgUrl}:${type}`;
  }
}
