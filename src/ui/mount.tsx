import { render } from "ink";
import { App } from "./App.js";
import type { UiActions } from "./types.js";
import type { ViewStore } from "./view-store.js";

/** A mounted UI. */
export interface MountedUi {
  /** Unmount and wait until Ink has restored the terminal. */
  unmount(): Promise<void>;
}

/** Streams and switches for mounting; the command decides them (TTY, NO_COLOR). */
export interface MountOptions {
  store: ViewStore;
  actions: UiActions;
  color: boolean;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
}

/**
 * Mount the UI with Ink. Ctrl+C does not exit Ink: it reaches the key map, which asks the
 * command to quit, because the command owns the shutdown order. Console is not patched.
 */
export function mountUi(o: MountOptions): MountedUi {
  const instance = render(<App store={o.store} actions={o.actions} color={o.color} />, {
    stdout: o.stdout,
    stdin: o.stdin,
    stderr: o.stderr,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  let done: Promise<void> | undefined;
  return {
    unmount: () => {
      done ??= (async () => {
        o.store.dispose();
        instance.unmount();
        await instance.waitUntilExit().catch(() => undefined);
        instance.cleanup();
      })();
      return done;
    },
  };
}
