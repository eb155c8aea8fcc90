import type { CliContext, Outcome } from "../commands/context.js";

/** What cli.ts hands each command definition: the adapters' context, and where their outcome goes. */
export interface CommandHost {
  ctx: CliContext;
  /** Report how the command's adapter ended; cli.ts maps it to the exit code. */
  settle: (outcome: Outcome) => void;
}
