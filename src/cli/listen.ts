import { type Command, Option } from "commander";
import type { ListenFlags } from "../commands/listen.js";
import { collect, DB_FLAG_HELP } from "../commands/options.js";
import type { CommandHost } from "./host.js";

/** Define `okhook listen` (flags and help; the work is in commands/listen.ts, loaded on use). */
export function defineListen(program: Command, host: CommandHost): void {
  program
    .command("listen")
    .description(
      "receive Okta event hook deliveries (store each before acknowledging, forward to your app) and inline hook requests (relayed to your app, its answer checked)",
    )
    .option(
      "--port <n>",
      "local port, 0 = any free port (default: 8787, env: OKHOOK_PORT)",
      undefined,
    )
    .option("--host <addr>", "bind address", "127.0.0.1")
    .option("--path <p>", "path the hook URL uses; other paths answer 404", "/okta/events")
    .option(
      "--forward-to <url>",
      "forward each delivery here: URL, localhost:3000/hooks, 3000, or 'user.*=URL' to route by event type; repeatable (env: OKHOOK_FORWARD_TO)",
      collect,
    )
    .option(
      "--secret <value>",
      "auth header value Okta sends (env: OKHOOK_SECRET; generated when tunneled)",
    )
    .option("--auth-header <name>", "header that carries the secret", "authorization")
    .option(
      "--forward-auth <value>",
      "auth header value sent to the app, 'none' drops it (default: the secret)",
      undefined,
    )
    .option(
      "--tunnel <mode>",
      "quick | token | none (default: quick, env: OKHOOK_TUNNEL)",
      undefined,
    )
    .option(
      "--cloudflared <path>",
      "cloudflared binary (default: PATH, then the cloudflared npm package; env: OKHOOK_CLOUDFLARED)",
    )
    .option(
      "--tunnel-token <t>",
      "named tunnel token, with --tunnel token (env: OKHOOK_TUNNEL_TOKEN)",
    )
    .option("--public-url <url>", "public https URL of the named tunnel, with --tunnel token")
    .option(
      "--register",
      "create/update the Okta event hook for this URL, verify and activate it",
      false,
    )
    .option("--org <url>", "Okta org URL for --register (env: OKTA_ORG_URL)")
    .option(
      "--events <types>",
      "event types for --register (comma list, * globs)",
      "user.lifecycle.*,group.user_membership.*",
    )
    .option(
      "--inline-path <p>",
      "path of Okta inline hook requests (token, registration, …), answered by your app",
      "/okta/inline",
    )
    .option(
      "--inline-to <url>",
      "where inline hook requests go, answered synchronously within Okta's 3 s (default: the --forward-to target)",
    )
    .option(
      "--register-inline <type>",
      "create/update and activate an Okta inline hook of this type at the public inline URL, deactivated on exit (token, registration, password-import, user-import, saml, telephony; repeatable)",
      collect,
    )
    .addOption(
      new Option("--inline-budget <ms>", "how long the app may take before okhook answers Okta")
        .default("2900")
        .hideHelp(),
    )
    .addOption(
      new Option("--hostile-keep <n>", "rejected/invalid requests kept, the newest")
        .default("10000")
        .hideHelp(),
    )
    .addOption(
      new Option("--hostile-prune-every <n>", "stored rejected requests between prunes")
        .default("500")
        .hideHelp(),
    )
    .option("--forward-timeout <ms>", "per forward attempt", "10000")
    .option("--retries <n>", "forward retries on network error/5xx (exponential backoff)", "3")
    .addOption(new Option("--retry-delay <ms>", "base retry delay").default("500").hideHelp())
    .addOption(
      new Option(
        "--health-interval <ms>",
        "longest wait between probes of a down target nothing waits for (1 s while deliveries wait)",
      )
        .default("15000")
        .hideHelp(),
    )
    .addOption(
      new Option("--verify-timeout <ms>", "how long --register retries Okta's verify")
        .default("60000")
        .hideHelp(),
    )
    .addOption(
      new Option("--tunnel-timeout <ms>", "how long cloudflared may take to register a connection")
        .default("45000")
        .hideHelp(),
    )
    .addOption(
      new Option("--headers-timeout <ms>", "how long a client may take to send its headers")
        .default("10000")
        .hideHelp(),
    )
    .option(
      "--output <mode>",
      "interactive | compact | json | quiet (default: interactive on a TTY outside CI, else compact)",
    )
    .option(
      "--max-body <bytes>",
      "larger requests get 413 and are stored without the body",
      "1048576",
    )
    .option("--show-secret", "print the secret instead of masking it", false)
    .option("--db <file>", DB_FLAG_HELP)
    .addHelpText(
      "after",
      `
Examples:
  $ okhook listen --forward-to 3000
  $ okhook listen --tunnel none --forward-to 3000/hook --output compact
  $ okhook listen --forward-to 'user.lifecycle.*=3000/users' --forward-to 3000
  $ okhook listen --inline-to 3000/okta/token --register-inline token`,
    )
    .action(async (flags: ListenFlags, cmd: Command) => {
      const { listenCommand } = await import("../commands/listen.js");
      const tunnelExplicit = cmd.getOptionValueSource("tunnel") === "cli";
      host.settle(await listenCommand({ ...flags, tunnelExplicit }, host.ctx));
    });
}
