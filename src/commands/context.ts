import type { OkhookEnv } from "../config.js";

/** What every command adapter gets from cli.ts: environment, streams and the interrupt signal. */
export interface CliContext {
  env: OkhookEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Aborted on the first SIGINT/SIGTERM. Finite commands stop and throw `Interrupted`. */
  signal: AbortSignal;
  /**
   * Commands that own signal handling (listen) set this so cli.ts does not exit on SIGINT;
   * they must then check `signal.aborted` for a signal that came before.
   */
  ownSignals: (owned: boolean) => void;
  /** A second signal while a command that owns signals shuts down: say what is lost, exit 130 now. */
  forceQuit: (message: string) => never;
}

/** A command's action result: an exit code, or nothing for 0. */
export type CommandResult = number | undefined;
