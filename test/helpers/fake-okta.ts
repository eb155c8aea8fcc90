import { randomBytes } from "node:crypto";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import type { LogEvent } from "../../src/okta/types.js";
import { type DeliverOptions, type DeliveryRecord, deliver } from "./fake-okta/deliver.js";
import {
  type FakeFault,
  FaultQueue,
  htmlPage,
  Quota,
  tooManyRequests,
} from "./fake-okta/faults.js";
import { FakeHooks } from "./fake-okta/hooks.js";
import {
  coversRead,
  linkModeOf,
  readBody,
  scopeFor,
  truncate,
  withJson,
  write,
} from "./fake-okta/http-io.js";
import { FakeInlineHooks, routeInlineHooks } from "./fake-okta/inline-hooks.js";
import { type FakeReply, makeLogEvent, oktaError } from "./fake-okta/okta-shapes.js";
import { FakeSystemLog, type LinkMode } from "./fake-okta/system-log.js";

export type { FakeFault } from "./fake-okta/faults.js";
export { makeLogEvent } from "./fake-okta/okta-shapes.js";

/** How to start the fake. Every knob has a default that behaves like a healthy org. */
export interface FakeOktaOptions {
  /** Token accepted as `SSWS <token>` or `Bearer <token>` (default: random). */
  token?: string;
  acceptSchemes?: ("SSWS" | "Bearer")[];
  /** Scopes a Bearer token has (default: all); a missing one → 403 E0000006. */
  grantedScopes?: string[];
  /** Injectable clock, epoch ms (Date header, Reset, published, cursors). */
  now?: () => number;
  rateLimit?: { limit: number; windowMs: number };
  verifyTimeoutMs?: number;
  deliveryTimeoutMs?: number;
  /** Okta's limit on an inline hook call (execute), default 3000. */
  inlineTimeoutMs?: number;
  /** Accept http hook URIs on loopback (real Okta takes https only). Default true. */
  allowHttpLoopbackHooks?: boolean;
  /** Where a hook URI is really reachable, e.g. a fake tunnel hostname → its loopback proxy. */
  resolveUri?: (uri: string) => string;
}

/** One request the fake saw. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
  /** Fake-clock time of arrival. */
  at: number;
  status?: number;
}

/** A running fake Okta org on 127.0.0.1. */
export interface FakeOkta {
  url: string;
  token: string;
  requests: RecordedRequest[];
  log: FakeSystemLog;
  hooks: FakeHooks;
  inlineHooks: FakeInlineHooks;
  /** Seed the System Log; missing fields are filled in. */
  addLogEvents(events: Partial<LogEvent>[]): LogEvent[];
  /** Script a fault for the next matching request(s). */
  inject(fault: FakeFault, opts?: { times?: number; path?: string; method?: string }): void;
  /** Forget every scripted fault not used yet. */
  clearFaults(): void;
  /** Raise events and POST them to deliverable hooks. */
  deliver(opts: DeliverOptions): Promise<{ events: LogEvent[]; deliveries: DeliveryRecord[] }>;
  close(): Promise<void>;
}

/** Start a fake Okta org (okta-reference §9) on an ephemeral loopback port. */
export async function startFakeOkta(options: FakeOktaOptions = {}): Promise<FakeOkta> {
  const fake = new FakeOktaServer(options);
  await fake.listen();
  return fake;
}

class FakeOktaServer implements FakeOkta {
  url = "";
  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  readonly log = new FakeSystemLog();
  readonly hooks: FakeHooks;
  readonly inlineHooks: FakeInlineHooks;
  private readonly now: () => number;
  private readonly schemes: string[];
  private readonly quota: Quota;
  private readonly faults = new FaultQueue();
  private readonly agent = new Agent({ keepAliveTimeout: 500 });
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server;
  private closed = false;

  constructor(private readonly options: FakeOktaOptions) {
    this.now = options.now ?? Date.now;
    this.token = options.token ?? randomBytes(21).toString("base64url");
    this.schemes = options.acceptSchemes ?? ["SSWS", "Bearer"];
    this.quota = new Quota(options.rateLimit?.limit ?? 600, options.rateLimit?.windowMs ?? 60_000);
    this.hooks = new FakeHooks({
      now: this.now,
      origin: () => this.url,
      log: (partials) => this.log.add(this.makeEvents(partials)),
      verifyTimeoutMs: options.verifyTimeoutMs ?? 3000,
      dispatcher: this.agent,
      allowHttpLoopback: options.allowHttpLoopbackHooks ?? true,
      resolveUri: options.resolveUri,
    });
    this.inlineHooks = new FakeInlineHooks({
      now: this.now,
      origin: () => this.url,
      timeoutMs: options.inlineTimeoutMs ?? 3000,
      dispatcher: this.agent,
      allowHttpLoopback: options.allowHttpLoopbackHooks ?? true,
      resolveUri: options.resolveUri,
    });
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) write(res, oktaError(500, "E0000009", String(err)), {});
      });
    });
    this.server.keepAliveTimeout = 1000;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  addLogEvents(events: Partial<LogEvent>[]): LogEvent[] {
    const full = this.makeEvents(events);
    this.log.add(full);
    return full;
  }

  inject(fault: FakeFault, opts?: { times?: number; path?: string; method?: string }): void {
    this.faults.add(fault, opts);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  deliver(opts: DeliverOptions): Promise<{ events: LogEvent[]; deliveries: DeliveryRecord[] }> {
    const deps = {
      now: this.now,
      origin: () => this.url,
      hooks: this.hooks,
      makeEvents: (partials: Partial<LogEvent>[]) => this.makeEvents(partials),
      appendLog: (events: LogEvent[]) => this.log.add(events),
      timeoutMs: this.options.deliveryTimeoutMs ?? 3000,
      dispatcher: this.agent,
      resolveUri: this.options.resolveUri,
    };
    return deliver(deps, opts);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.agent.close();
  }

  private makeEvents(partials: Partial<LogEvent>[]): LogEvent[] {
    return partials.map((p) => makeLogEvent(p, this.now()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query,
      headers: req.headers,
      body,
      at: this.now(),
    };
    this.requests.push(record);
    const fault = this.faults.take(method, url.pathname);
    if (fault?.kind === "drop") return void req.socket.destroy();
    let { headers: rateHeaders, limited } = this.quota.charge(this.now());
    if (fault?.kind === "rate-limit") {
      rateHeaders = this.quota.block(this.now(), fault.resetInSeconds ?? 1);
      limited = true;
    }
    let reply: FakeReply | undefined = limited ? tooManyRequests() : faultReply(fault);
    reply ??= this.authReply(req.headers.authorization, method, url.pathname);
    reply ??= await this.route(method, url, body, linkModeOf(fault));
    if (fault?.kind === "truncated-json") reply = truncate(reply);
    record.status = reply.status;
    const headers = { ...rateHeaders, Date: new Date(this.now()).toUTCString() };
    if (fault?.kind !== "slow") return write(res, reply, headers);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!res.destroyed) write(res, reply, headers);
    }, fault.delayMs);
    this.timers.add(timer);
  }

  private routeInline(method: string, url: URL, body: string): Promise<FakeReply> {
    return Promise.resolve(routeInlineHooks(this.inlineHooks, method, url, body));
  }

  private authReply(auth: string | undefined, method: string, path: string): FakeReply | undefined {
    const [scheme = "", value] = (auth ?? "").split(" ", 2);
    if (!this.schemes.includes(scheme) || value !== this.token) {
      return oktaError(401, "E0000011", "Invalid token provided");
    }
    const scope = scopeFor(method, path);
    const granted = this.options.grantedScopes;
    if (
      scheme === "Bearer" &&
      granted &&
      !granted.some((g) => g === scope || coversRead(g, scope))
    ) {
      return oktaError(
        403,
        "E0000006",
        "You do not have permission to perform the requested action",
      );
    }
    return undefined;
  }

  private async route(
    method: string,
    url: URL,
    body: string,
    linkMode: LinkMode,
  ): Promise<FakeReply> {
    const path = url.pathname;
    if (path === "/api/v1/logs" && method === "GET") {
      return this.log.query(url, this.now(), this.url, linkMode);
    }
    if (path.startsWith("/api/v1/inlineHooks")) return this.routeInline(method, url, body);
    if (path === "/api/v1/eventHooks" && method === "GET") return this.hooks.list();
    if (path === "/api/v1/eventHooks" && method === "POST") {
      return withJson(body, (b) => this.hooks.create(b));
    }
    const m = /^\/api\/v1\/eventHooks\/([^/]+)(?:\/lifecycle\/(activate|deactivate|verify))?$/.exec(
      path,
    );
    const id = decodeURIComponent(m?.[1] ?? "");
    const action = m?.[2];
    if (m && action && method === "POST") {
      if (action === "verify") return this.hooks.verify(id);
      return this.hooks.setStatus(id, action === "activate" ? "ACTIVE" : "INACTIVE");
    }
    if (m && !action && method === "GET") return this.hooks.get(id);
    if (m && !action && method === "PUT") return withJson(body, (b) => this.hooks.replace(id, b));
    if (m && !action && method === "DELETE") return this.hooks.remove(id);
    return oktaError(404, "E0000007", `Not found: Resource not found: ${path}`);
  }
}

function faultReply(fault: FakeFault | undefined): FakeReply | undefined {
  if (fault?.kind === "server-error") {
    return oktaError(fault.status ?? 500, "E0000009", "Internal Server Error");
  }
  if (fault?.kind === "error") {
    return oktaError(fault.status, fault.errorCode, fault.errorSummary, fault.causes);
  }
  if (fault?.kind === "html") return htmlPage(fault.status ?? 200);
  return undefined;
}
