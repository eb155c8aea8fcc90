import type { Command } from "commander";
import { selectProductionReact } from "../config.js";
import { UsageError } from "../errors.js";
import type { CliContext } from "./context.js";
import { openStoreForRead } from "./db-open.js";
import { DB_FLAG_HELP } from "./options.js";

interface UiFlags {
  db?: string;
  authHeader: string;
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
    .option("--auth-header <name>", "header that carries the secret on replays", "authorization")
    .option("--forward-timeout <ms>", "per replay attempt", "10000")
    .addHelpText(
      "after",
      `
Replays (r) go to each delivery's last forward target, with the auth header from $OKHOOK_SECRET
(else the secret okhook generated for the listener). The header says whether a listen runs on
the database. c shows a curl command that re-sends the selected delivery and copies it (tmux's
paste buffer inside tmux, else OSC 52; OKHOOK_CLIPBOARD=off turns copying off).

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
  try {
    const [{ mountTui }, { listenerStatus }, { VERSION }, { mask }] = await loading;
    const authHeader = flags.authHeader.toLowerCase();
    const listener = listenerStatus(store);
    const { listenerTarget } = await import("./hook-target.js");
    const { secret } = await listenerTarget({ db: flags.db }, ctx);
    const tui = mountTui({
      ctx,
      store,
      header: {
        mode: "ui",
        version: VERSION,
        db: path,
        listener,
        authHeader,
        secretLabel: secret ? mask(secret) : undefined,
        tunnel: { state: "off" },
        targets: [],
        countersScope: "since opened",
      },
      countersSinceSeq: store.maxSeq(),
      replay: { auth: { header: authHeader, value: secret }, timeoutMs },
      curlUrl: () => store.getMeta("listener.url") ?? "http://127.0.0.1:8787/okta/events",
    });
    await waitForQuit(tui.quitRequested);
    await tui.unmount();
    return 0;
  } finally {
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
