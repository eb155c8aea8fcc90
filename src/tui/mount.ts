import { resolve } from "node:path";
import { type OkhookEnv, resolveDbPath } from "../config.js";
import type { ListenerView } from "../listen/listener-auth.js";
import { colorFor } from "../output/format.js";
import type { Store } from "../store/store.js";
import { mountUi } from "../ui/mount.js";
import type { HeaderInfo } from "../ui/types.js";
import { ViewStore } from "../ui/view-store.js";
import { createTuiActions, curlAuthFor, type ReplayOptions } from "./actions.js";
import { copyToClipboard } from "./clipboard.js";
import { storeSource } from "./source.js";

// The alternate screen keeps the user's scrollback intact, like lazygit or k9s.
const ENTER_ALT_SCREEN = "\u001b[?1049h";
const LEAVE_ALT_SCREEN = "\u001b[?1049l";

/** A mounted TUI as the command sees it. */
export interface TuiHandle {
  view: ViewStore;
  /** Resolves when the user presses q or Ctrl+C. */
  quitRequested: Promise<void>;
  /** Wait for replays in flight, unmount Ink, leave the alternate screen. Idempotent. */
  unmount(): Promise<void>;
}

/** The terminal the TUI takes over, and the environment (colour, clipboard, default --db). */
export interface TuiTerminal {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: OkhookEnv;
}

/** What the command passes to mount the TUI. */
export interface MountTuiOptions {
  ctx: TuiTerminal;
  store: Store;
  header: HeaderInfo;
  countersSinceSeq: number;
  /** listen: hostile requests counted but not stored (flood), shown beside the counters. */
  notStored?: () => number;
  replay: Omit<ReplayOptions, "store">;
  curlUrl: () => string;
  /** The database's listener: the auth the `c` curl command looks up when it runs. */
  listener?: ListenerView;
  /** The secret the header masks, for the `s` key. */
  revealSecret?: () => string | undefined;
}

/** Mount the Ink UI on the command's terminal over the given store. */
export function mountTui(o: MountTuiOptions): TuiHandle {
  let quit!: () => void;
  const quitRequested = new Promise<void>((resolve) => {
    quit = resolve;
  });
  const ui = o.header.mode === "ui";
  const view = new ViewStore({
    source: storeSource(o.store, {
      countersSinceSeq: o.countersSinceSeq,
      notStored: o.notStored,
      listener: ui,
    }),
    header: o.header,
  });
  // Rows written by another process (okhook replay, a backfill; the listener for okhook ui)
  // raise no session event here: only the database tells.
  view.startPolling();
  const defaultDb = resolveDbPath(undefined, { ...o.ctx.env, db: undefined });
  const showDb = resolve(o.header.db) === resolve(defaultDb) ? undefined : resolve(o.header.db);
  const actions = createTuiActions({
    ...o.replay,
    store: o.store,
    curlUrl: o.curlUrl,
    authHeader: o.header.authHeader,
    revealSecret: o.revealSecret,
    showDb,
    curlAuth: o.listener ? curlAuthFor(o.listener, showDb) : undefined,
    copy: (text) => copyToClipboard(text, { out: o.ctx.stdout, env: o.ctx.env }),
    quit: () => quit(),
  });
  const out = o.ctx.stdout;
  const leave = () => out.write(LEAVE_ALT_SCREEN);
  out.write(ENTER_ALT_SCREEN);
  process.once("exit", leave);
  const mounted = mountUi({
    store: view,
    actions,
    color: colorFor(out, o.ctx.env).level > 0,
    stdout: out,
    stdin: process.stdin,
    stderr: o.ctx.stderr,
  });
  let done: Promise<void> | undefined;
  return {
    view,
    quitRequested,
    unmount: () => {
      done ??= (async () => {
        await actions.idle();
        await mounted.unmount();
        process.off("exit", leave);
        leave();
      })();
      return done;
    },
  };
}
