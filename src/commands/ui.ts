import { UsageError } from "../errors.js";
import { DEFAULT_LISTENER_URL, findListener } from "../listen/listener-auth.js";
import { mask } from "../output/format.js";
import { openDb } from "../store/db.js";
import { Store } from "../store/store.js";
import { mountTui } from "../tui/mount.js";
import { listenerStatus } from "../tui/source.js";
import { VERSION } from "../version.js";
import { type CliContext, OUTCOME, type Outcome } from "./context.js";
import { openStoreForRead } from "./db-open.js";
import { parseMs } from "./options.js";
import { userError } from "./store-words.js";

/** `okhook ui` flags as commander parses them. */
export interface UiFlags {
  db?: string;
  secret?: string;
  authHeader?: string;
  forwardTimeout: string;
}

/** `okhook ui`: browse the database in the Ink UI until q; r replays, c copies a curl command. */
export async function uiCommand(flags: UiFlags, ctx: CliContext): Promise<Outcome> {
  if (!ctx.stdout.isTTY)
    throw new UsageError(
      "okhook ui: needs a terminal (stdout is not a TTY); in scripts use: okhook deliveries --json",
    );
  const timeoutMs = parseMs(flags.forwardTimeout, "--forward-timeout");
  const { store, path } = await openStoreForRead(flags.db, ctx);
  if (!store)
    throw new UsageError(
      `okhook ui: no database yet at ${path} (start okhook listen first, or pass --db <file>)`,
    );
  ctx.ownSignals(true);
  // Browsing only reads (so it works on a database in a read-only directory); the first
  // replay opens a writable connection to record its attempt.
  let writable: Store | undefined;
  try {
    const writableStore = () => {
      try {
        writable ??= new Store(openDb(path));
      } catch (err) {
        throw userError(err, { need: "a replay records its attempt in it" });
      }
      return writable;
    };
    const listener = findListener(
      path,
      { flag: flags.secret, env: ctx.env.secret, header: flags.authHeader },
      store,
    );
    const inbound = listener.plan(listener.url, "listener");
    const secret = inbound.send ? inbound.value : undefined;
    const authHeader = inbound.header;
    const running = listenerStatus(store);
    const tui = mountTui({
      ctx,
      store,
      header: {
        mode: "ui",
        version: VERSION,
        db: path,
        listener: running,
        authHeader,
        secretLabel: secret ? mask(secret) : undefined,
        tunnel: { state: "off" },
        targets: [],
        countersScope: "since opened",
      },
      countersSinceSeq: store.deliveries.maxSeq(),
      replay: {
        auth: { header: authHeader, value: secret },
        authFor: listener.plan,
        timeoutMs,
        writableStore,
      },
      revealSecret: () => secret,
      curlUrl: () => store.meta.get("listener.url") ?? DEFAULT_LISTENER_URL,
      listener,
    });
    await waitForQuit(tui.quitRequested);
    await tui.unmount();
    return OUTCOME.ok;
  } finally {
    writable?.close();
    store.close();
  }
}

function waitForQuit(quit: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    const done = () => {
      for (const s of signals) process.off(s, done);
      resolve();
    };
    for (const s of signals) process.on(s, done);
    void quit.then(done);
  });
}
