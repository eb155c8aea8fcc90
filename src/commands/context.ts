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

/**
 * How a command ended when it did not throw (failures throw a typed `OkhookError`). The
 * command has already said what happened; `cli.ts` alone turns the kind into an exit code.
 */
export type Outcome =
  /** Done, or the answer is "all good" (exit 0). */
  | { kind: "ok" }
  /** The user asked about something and the answer is "there is a problem" (exit 1). */
  | { kind: "problem-found" }
  /** Nothing the command sent reached its target; its output said so per item (exit 4). */
  | { kind: "unreachable" };

/** The outcomes, for `return OUTCOME.ok` in a command. */
export const OUTCOME = {
  ok: { kind: "ok" },
  problemFound: { kind: "problem-found" },
  unreachable: { kind: "unreachable" },
} as const satisfies Record<string, Outcome>;
