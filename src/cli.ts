import { closeSync, openSync } from "node:fs";
import { isatty } from "node:tty";
import { Command, CommanderError } from "commander";
import { defineDeliveries } from "./cli/deliveries.js";
import { defineDoctor } from "./cli/doctor.js";
import { defineExport, defineImport } from "./cli/export.js";
import { defineFixtures } from "./cli/fixtures.js";
import type { CommandHost } from "./cli/host.js";
import { defineInline } from "./cli/inline.js";
import { defineListen } from "./cli/listen.js";
import { defineReconcile } from "./cli/reconcile.js";
import { defineReplay } from "./cli/replay.js";
import { defineSecret } from "./cli/secret.js";
import { defineSend } from "./cli/send.js";
import { defineShow } from "./cli/show.js";
import { defineUi } from "./cli/ui.js";
import { defineWait } from "./cli/wait.js";
import type { CliContext, Outcome } from "./commands/context.js";
import { userError } from "./commands/store-words.js";
import { readEnv } from "./config.js";
import { writeCrashLog } from "./crash-log.js";
import { nameDbSource, OkhookError } from "./errors.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { safe, safeLines } from "./text/sanitize.js";
import { VERSION } from "./version.js";

const controller = new AbortController();
let signalsOwned = false;
const ctx: CliContext = {
  env: readEnv(),
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
  ownSignals: (owned) => {
    signalsOwned = owned;
  },
  forceQuit: (message) => {
    process.stderr.write(`okhook: ${message}\n`);
    process.exit(EXIT.interrupted);
  },
};

/** Each outcome a command returns, and its exit code (cli.md "Everywhere"). */
const OUTCOME_EXIT: Record<Outcome["kind"], ExitCode> = {
  ok: EXIT.ok,
  "problem-found": EXIT.problemFound,
  unreachable: EXIT.network,
};
let outcome: Outcome | undefined;
/** Where the running command's database came from, so its errors name what the user set. */
let dbSource: "--db" | "OKHOOK_DB" | "default" = "default";
const host: CommandHost = {
  ctx,
  settle: (o) => {
    outcome = o;
  },
};

let interrupts = 0;
function onSignal(sig: NodeJS.Signals): void {
  if (signalsOwned) return;
  interrupts += 1;
  if (interrupts > 1) process.exit(EXIT.interrupted);
  controller.abort(new Error(sig));
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// A closed terminal (EIO) or pipe (EPIPE, `| head`) must not crash `listen` while it still
// stores deliveries: the output is lost, the shutdown (SIGHUP follows a hangup) still runs.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

const ttyAtStart = [0, 1, 2].map((fd) => isatty(fd));
// At exit node restores the terminal settings of stdio and aborts (exit 134) when that
// terminal has hung up (window closed, tmux kill-session) after a clean shutdown. A hung-up
// terminal no longer answers isatty(); point those descriptors at /dev/null before exiting.
process.on("exit", () => {
  if (process.platform === "win32") return;
  for (const fd of [0, 1, 2]) {
    if (!ttyAtStart[fd] || isatty(fd)) continue;
    try {
      closeSync(fd);
      openSync("/dev/null", fd === 0 ? "r" : "w"); // takes the lowest free descriptor: fd
    } catch {
      // nothing more to do on the way out
    }
  }
});

function buildProgram(): Command {
  const program = new Command("okhook")
    .description("Okta event and inline hooks, locally: capture, forward, replay, reconcile.")
    .version(VERSION, "-v, --version", "print the version")
    .showSuggestionAfterError(true)
    .exitOverride()
    // commander quotes the arguments it rejects: they may be anything
    .configureOutput({ writeErr: (s) => process.stderr.write(safeLines(s)) });
  defineListen(program, host);
  defineDeliveries(program, host);
  defineShow(program, host);
  defineSend(program, host);
  defineFixtures(program, host);
  defineInline(program, host);
  defineExport(program, host);
  defineImport(program, host);
  defineReplay(program, host);
  defineReconcile(program, host);
  defineUi(program, host);
  defineSecret(program, host);
  defineDoctor(program, host);
  defineWait(program, host);
  sayParseErrors(program);
  program.hook("preAction", (_program, action) => {
    dbSource = action.opts().db !== undefined ? "--db" : ctx.env.db ? "OKHOOK_DB" : "default";
  });
  program.addHelpText(
    "after",
    `
Examples:
  $ okhook listen --forward-to 3000     capture, and forward to localhost:3000
  $ okhook deliveries --status failed   what did not reach the app
  $ okhook show 7f3k2q9a --curl         a curl command that re-sends a delivery
  $ okhook doctor                       which link from Okta to your app broke`,
  );
  return program;
}

/**
 * Commander's parse errors ("error: unknown option '--bogus'", a "(Did you mean …?)" line) as
 * okhook's one-liners: `okhook: unknown option '--bogus' (see okhook deliveries --help)`.
 * Each command gets its own writer so the line can name that command's help.
 */
function sayParseErrors(cmd: Command): void {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  const help = `${names.join(" ")} --help`;
  cmd.configureOutput({
    outputError: (text, write) => {
      const [first = "", ...rest] = text.trim().split("\n");
      let what = first.replace(/^error: /, "").replace(/\. Expected/, ": expected");
      what = what.replace(/\.$/, "");
      const guess = /^\(Did you mean (.*)\?\)$/.exec(rest.join(" ").trim());
      let hint = guess ? `; did you mean ${guess[1]}?` : "";
      // A word after a command with subcommands is an unknown subcommand (commander says "too
      // many arguments" when the command has an action of its own): name it in full.
      const word = /^unknown command '(.*)'$/.exec(what)?.[1] ?? cmd.args[0];
      if (
        cmd.commands.length > 0 &&
        word !== undefined &&
        /^(too many|unknown command)/.test(what)
      ) {
        what = `unknown command '${[...names.slice(1), word].join(" ")}'`;
        if (!guess && cmd.parent)
          hint = `; ${names.join(" ")} has: ${cmd.commands.map((c) => c.name()).join(", ")}`;
      }
      write(`okhook: ${what}${hint} (see ${help})\n`);
    },
  });
  for (const sub of cmd.commands) sayParseErrors(sub);
}

function reportInternal(err: unknown): void {
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  try {
    const file = writeCrashLog(`${new Date().toISOString()} okhook ${VERSION}\n${text}\n`);
    process.stderr.write(`okhook: internal error: ${oneLine(err)} (stack trace in ${file})\n`);
  } catch {
    process.stderr.write(`okhook: internal error: ${oneLine(err)}\n`);
  }
}

function oneLine(err: unknown): string {
  return safe((err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "");
}

/** The one place that maps outcomes and errors to exit codes. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    process.exitCode = OUTCOME_EXIT[outcome?.kind ?? "ok"];
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every parse problem is a usage error
      process.exitCode =
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version" ||
        err.code === "commander.help"
          ? EXIT.ok
          : EXIT.usage;
      return;
    }
    const said = userError(err); // a store problem, in the CLI's words
    if (said instanceof OkhookError) {
      // Messages quote the input they reject (an id, a path, a header): shown, never obeyed.
      process.stderr.write(`okhook: ${safeLines(nameDbSource(said.message, dbSource))}\n`);
      process.exitCode = said.exitCode;
      return;
    }
    reportInternal(err);
    process.exitCode = EXIT.internal;
  }
}

await main(process.argv);
