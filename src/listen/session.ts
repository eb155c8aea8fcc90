import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describeError, NetworkError, OkhookError } from "../errors.js";
import type { EventBus } from "../events.js";
import { Forwarder } from "../forward/forwarder.js";
import type { ForwardAuth } from "../forward/headers.js";
import type { RoutingTable } from "../forward/routes.js";
import { type Checkpointer, startCheckpointer } from "../store/checkpoint.js";
import { openDb } from "../store/db.js";
import { StoreError, toStoreError } from "../store/errors.js";
import { newDeliveryId } from "../store/ids.js";
import { Store } from "../store/store.js";
import { FloodGate, HostileRetention, isHostile } from "./flood.js";
import { IngestWriter } from "./ingest.js";
import { InlineWork } from "./inline-work.js";
import { acquireListenerLock, type ListenerLock } from "./listener-lock.js";
import { createListener } from "./server.js";

/**
 * SQLite page cache of the listener's connection. better-sqlite3 defaults to 16 MiB per
 * connection, which a long capture fills with index pages it rarely reads again; inserts only
 * need the B-tree paths they touch, and the OS page cache still holds the rest.
 */
export const LISTEN_CACHE_KIB = 4096;

/** Shutdown waits this long for in-flight acknowledgements and forwards. */
export const SHUTDOWN_GRACE_MS = 5000;

/** Everything `okhook listen` configures. */
export interface SessionOptions {
  dbPath: string;
  host: string;
  port: number;
  hookPath: string;
  secret: string | undefined;
  authHeader: string;
  maxBodyBytes: number;
  routes: RoutingTable;
  forwardAuth: ForwardAuth;
  forwardTimeoutMs: number;
  retries: number;
  retryBaseMs?: number;
  healthIntervalMs?: number;
  /** Slow-client limit for request headers (default HEADERS_TIMEOUT_MS). */
  headersTimeoutMs?: number;
  /** Path of inline hook requests (default: none). */
  inlinePath?: string;
  /** Where inline hook requests are relayed (the app's endpoint); none: okhook answers 502. */
  inlineTarget?: string;
  /** How long the app may take before okhook answers Okta itself (default 2.9 s). */
  inlineBudgetMs?: number;
  /** Hostile rows kept (default HOSTILE_KEEP_ROWS), pruned after every `hostilePruneEvery`. */
  hostileKeep?: number;
  hostilePruneEvery?: number;
  bus: EventBus;
}

/** A running listener: store, HTTP server and forwarder wired together. */
export class ListenSession {
  readonly localUrl: string;
  readonly hookUrl: string;
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private stopped: Promise<{ pending: number }> | undefined;
  /** The public hook URL while a tunnel is ready (set from tunnel session events). */
  publicHookUrl: string | undefined;

  private constructor(
    readonly o: SessionOptions,
    readonly store: Store,
    private readonly server: Server,
    private readonly writer: IngestWriter,
    readonly forwarder: Forwarder,
    readonly port: number,
    private readonly checkpointer: Checkpointer,
    private readonly lock: ListenerLock,
    /** Hostile requests past the rate: counted, not stored (`notStored` for the header). */
    readonly flood: FloodGate,
    private readonly inlineWork: InlineWork,
  ) {
    const host = o.host.includes(":") ? `[${o.host}]` : o.host;
    this.localUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
    this.hookUrl = `${this.localUrl}${o.hookPath}`;
  }

  /** The id of this listener's lock row (records tied to this run carry it). */
  get lockId(): string {
    return this.lock.holder.id;
  }

  /** Open the DB, take it for this listener, bind the port, resume unforwarded deliveries. */
  static async start(o: SessionOptions): Promise<ListenSession> {
    const store = new Store(openDb(o.dbPath));
    store.limitCache(LISTEN_CACHE_KIB);
    let lock: ListenerLock | undefined;
    let checkpointer: Checkpointer | undefined;
    let server: Server | undefined;
    try {
      // First: a second listener on this DB would resume (forward) the same pending deliveries.
      lock = acquireListenerLock(store, o.dbPath);
      checkpointer = startCheckpointer(store.db, o.dbPath, {
        onError: (message) => o.bus.emit({ type: "warning", message }),
      });
      const writer = new IngestWriter(store, () => checkpointer?.nudge());
      const inlineWork = new InlineWork();
      const flood = new FloodGate({
        report: (message) => o.bus.emit({ type: "warning", message }),
      });
      const retention = new HostileRetention(store, {
        keep: o.hostileKeep,
        every: o.hostilePruneEvery,
        onError: (message) => o.bus.emit({ type: "warning", message }),
      });
      retention.prune();
      const forwarder = new Forwarder({
        store,
        routes: o.routes,
        auth: o.forwardAuth,
        bus: o.bus,
        timeoutMs: o.forwardTimeoutMs,
        retries: o.retries,
        retryBaseMs: o.retryBaseMs,
        healthIntervalMs: o.healthIntervalMs,
      });
      server = createListener({
        hookPath: o.hookPath,
        secret: o.secret,
        authHeader: o.authHeader,
        maxBodyBytes: o.maxBodyBytes,
        writer,
        newId: newDeliveryId,
        forwardStateFor: (events) =>
          o.routes.targetsFor(events.map((e) => e.eventType)).length ? "pending" : "none",
        onStored: (delivery, record) => {
          o.bus.emit({ type: "delivery", delivery });
          if (isHostile(delivery.kind, delivery.auth)) retention.stored();
          if (delivery.forwardState === "pending") {
            forwarder.enqueue(delivery.seq, {
              eventTypes: record.events.map((e) => e.eventType),
              payload: {
                id: record.id,
                receivedAt: record.receivedAt,
                headers: record.headers,
                body: record.body,
              },
            });
          }
        },
        onProblem: (message) => o.bus.emit({ type: "warning", message }),
        headersTimeoutMs: o.headersTimeoutMs,
        flood,
        inlinePath: o.inlinePath,
        ...(o.inlinePath
          ? {
              inline: {
                target: o.inlineTarget,
                auth: o.forwardAuth,
                store,
                bus: o.bus,
                ...(o.inlineBudgetMs ? { budgetMs: o.inlineBudgetMs } : {}),
                signal: inlineWork.signal,
                track: (work: Promise<void>) => inlineWork.track(work),
              },
            }
          : {}),
      });
      const port = await bind(server, o.host, o.port);
      const session = new ListenSession(
        o,
        store,
        server,
        writer,
        forwarder,
        port,
        checkpointer,
        lock,
        flood,
        inlineWork,
      );
      lock.setUrl(session.hookUrl);
      o.bus.on((e) => {
        if (e.type === "tunnel" && e.state === "ready") session.publicHookUrl = e.hookUrl;
      });
      store.meta.set("listener.url", session.hookUrl);
      if (o.inlinePath) store.meta.set("listener.inlineUrl", `${session.localUrl}${o.inlinePath}`);
      const resumed = forwarder.start();
      o.bus.emit({
        type: "listening",
        localUrl: session.localUrl,
        hookUrl: session.hookUrl,
        ...(o.inlinePath ? { inlineUrl: `${session.localUrl}${o.inlinePath}` } : {}),
        db: o.dbPath,
        resumed,
        ...(lock.tookOver ? { tookOver: lock.tookOver } : {}),
      });
      return session;
    } catch (err) {
      // A bound server would keep the process alive after the error is reported (e.g. the DB
      // locked by another process for longer than the busy timeout).
      server?.close();
      await checkpointer?.stop();
      lock?.release();
      store.close();
      throw err instanceof OkhookError || err instanceof StoreError
        ? err
        : toStoreError(o.dbPath, err);
    }
  }

  /**
   * Run `fn` during shutdown, after forwards finish and before the DB closes (e.g. stop the
   * tunnel). Registered after shutdown began (a signal while the tunnel was still being set
   * up), it runs at once, so a child started late is never orphaned.
   */
  onStop(fn: () => Promise<void> | void): void {
    if (this.stopped) {
      void Promise.resolve()
        .then(fn)
        .catch((err: unknown) => {
          this.o.bus.emit({ type: "warning", message: `during shutdown: ${describeError(err)}` });
        });
      return;
    }
    this.cleanups.unshift(fn);
  }

  /**
   * Shutdown order: stop accepting → finish acks → finish forwards (≤ 5 s) → cleanups →
   * checkpointer → release the DB → close it. Resolves with the deliveries still waiting to be
   * forwarded (the next listen on this DB forwards them).
   */
  stop(reason: string): Promise<{ pending: number }> {
    this.stopped ??= this.doStop(reason);
    return this.stopped;
  }

  private async doStop(reason: string): Promise<{ pending: number }> {
    this.o.bus.emit({ type: "stopping", reason });
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const force = setTimeout(() => this.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(force);
    this.flood.close();
    // inline answers already went to Okta; what is left is recording late app answers
    await this.inlineWork.finish(SHUTDOWN_GRACE_MS);
    await this.writer.drained();
    await this.forwarder.stop(SHUTDOWN_GRACE_MS);
    for (const fn of this.cleanups) {
      try {
        await fn();
      } catch (err) {
        this.o.bus.emit({ type: "warning", message: `during shutdown: ${(err as Error).message}` });
      }
    }
    const pending = this.store.deliveries.pendingForward().length;
    await this.checkpointer.stop();
    this.lock.release();
    this.store.close();
    this.o.bus.emit({ type: "stopped", pending });
    return { pending };
  }
}

function bind(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (err.code === "EADDRINUSE") {
        reject(
          new NetworkError(
            `--port ${port}: address ${host}:${port} already in use (another okhook listen? stop it, or pass --port 0 for any free port)`,
          ),
        );
      } else if (err.code === "EACCES") {
        reject(
          new NetworkError(
            `--port ${port}: permission denied on ${host}:${port} (use a port above 1024)`,
          ),
        );
      } else if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND") {
        reject(
          new NetworkError(`--host ${host}: not an address of this machine (try --host 127.0.0.1)`),
        );
      } else reject(new NetworkError(`cannot listen on ${host}:${port}: ${err.message}`));
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}
