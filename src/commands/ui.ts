import type { Command } from "commander";
import { selectProductionReact } from "../config.js";
import { UsageError } from "../errors.js";
import type { Store } from "../store/store.js";
import type { CliContext } from "./context.js";
import { openStoreForRead, userError } from "./db-open.js";
import { DB_FLAG_HELP } from "./options.js";

interface UiFlags {
  db?: string;
  authHeader?: string;
  forwardTimeout: string;
}

/** Define `okhook ui`. */
export function registerUi(program: Command, ctx: CliContext): void {
  program
    .command("ui")
    .description(
      "browse stored deliveries in the terminal, without listening (refreshes while a listen writes)",
    )
    .option("--db <file>", DB_FLAG_HELP)
    .option(
      "--auth-header <name>",
      "header that carries the secret on replays (default: the listener's, else authorization)",
    )
    .option("--forward-timeout <ms>", "per replay attempt", "10000")
    .addHelpText(
      "after",
      `
Replays (r) go to each delivery's last forward target with the auth header forwarding used
(--secret or OKHOOK_SECRET win); s shows the listener's secret for 5 s. The header says whether
a listen runs on the database. c shows a curl command that re-sends the selected delivery and
copies it (tmux's paste buffer inside tmux, else OSC 52; OKHOOK_CLIPBOARD=off turns copying off).

Examples:
  $ okhook ui
  $ okhook ui --db ./hooks.db`,
    )
    .action(async (flags: UiFlags) => {
      process.exitCode = await runUi(flags, ctx);
    });
}

async function runUi(flags: UiFlags, ctx: CliContext): Promise<number> {
  if (!ctx.stdout.isTTY)
    throw new UsageError(
      "okhook ui: needs a terminal (stdout is not a TTY); in scripts use: okhook deliveries --json",
    );
  selectProductionReact();
  // The UI's modules load while the database opens: the first frame waits for both.
  const loading = Promise.all([
    import("./tui-mount.js"),
    import("./tui-source.js"),
    import("../version.js"),
    import("../output/format.js"),
  ]);
  loading.catch(() => undefined); // awaited below; a usage error may come first
  const { parseMs } = await import("./options.js");
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
    const [{ mountTui }, { listenerStatus }, { VERSION }, { mask }] = await loading;
    const [{ openDb }, storeModule, { listenerView }] = await Promise.all([
      import("../store/db.js"),
      import("../store/store.js"),
      import("./hook-target.js"),
    ]);
    const writableStore = () => {
      try {
        writable ??= new storeModule.Store(openDb(path));
      } catch (err) {
        throw userError(err, { need: "a replay records its attempt in it" });
      }
      return writable;
    };
    const listener = await listenerView({ db: flags.db, authHeader: flags.authHeader }, ctx, store);
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
      curlUrl: () => store.meta.get("listener.url") ?? "http://127.0.0.1:8787/okta/events",
    });
    await waitForQuit(tui.quitRequested);
    await tui.unmount();
    return 0;
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
