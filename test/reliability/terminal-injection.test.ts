import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, jsonEvents, killAll, type Proc, runCli, startCli } from "../helpers/cli.js";
import { startFakeOkta } from "../helpers/fake-okta.js";
import { envelope, logEvent } from "../helpers/payload.js";
import { closeTargets, startServer, startTarget, type Target } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";
import { rawRequest } from "./support.js";
import { expectClean, HOSTILE, HOSTILE_SHOWN, hasScript, runPty } from "./terminal-support.js";

// One listener receives every kind of hostile input over real HTTP; then every command that
// prints it runs against the same database, into a pipe and (where a terminal changes what
// is printed) on a pseudo-terminal, and none may put a control byte on stdout.

const SECRET = "terminal-injection-secret-value";
let home: string;
let db: string;
let env: NodeJS.ProcessEnv;
let target: Target;
let compact: Proc;
let json: Proc;
const ids: Record<"events" | "text" | "header" | "rejected", string> = {
  events: "",
  text: "",
  header: "",
  rejected: "",
};
let textBody = "";

function hostileEvent(): Record<string, unknown> {
  const e = logEvent("user.lifecycle.create");
  e.displayMessage = `Created ${HOSTILE}`;
  // the actor and target an Okta admin can name anything (alternateId is what okhook keeps)
  Object.assign(e.actor as object, { alternateId: `dana ${HOSTILE}`, displayName: HOSTILE });
  Object.assign((e.target as object[])[0]!, {
    alternateId: `sam ${HOSTILE}`,
    displayName: HOSTILE,
  });
  return e;
}

/** POST raw bytes: fetch would refuse the 8-bit header value an attacker can still send. */
async function rawPost(port: number, path: string, headers: string, body: string): Promise<number> {
  const bytes = Buffer.from(body);
  const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}Content-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
  const answer = await rawRequest(port, [Buffer.from(head, "latin1"), bytes]);
  return answer.status ?? 0;
}

function listenArgs(output: string, dbFile: string): string[] {
  const args = ["listen", "--tunnel", "none", "--port", "0", "--db", dbFile];
  return [...args, "--secret", SECRET, "--forward-to", target.url, "--output", output];
}

beforeAll(async () => {
  home = tmpDir();
  db = join(home, "okhook.db");
  env = cliEnv(home, { OKHOOK_SECRET: SECRET });
  target = await startTarget();
  compact = startCli(listenArgs("compact", db), env);
  const port = Number((await compact.waitOut(/Hook URL\s+http:\/\/127\.0\.0\.1:(\d+)/))[1]);
  json = startCli(listenArgs("json", join(home, "json.db")), env);
  const jsonPort = Number((await json.waitOut(/"hookUrl":"http:\/\/127\.0\.0\.1:(\d+)/))[1]);
  const auth = `Authorization: ${SECRET}\r\n`;
  const events = envelope([logEvent(`evil.${HOSTILE}`), hostileEvent()]).toString();
  textBody = `not json ${HOSTILE}\n${HOSTILE}`;
  // an 8-bit C1 CSI and a UTF-8 bidi override in a header value (node reads it as latin1)
  const header = `X-Evil: a\x9b2J\x9b31m \xe2\x80\xae b\r\n`;
  for (const p of [port, jsonPort]) {
    expect(await rawPost(p, "/okta/events", auth, events)).toBe(200);
    expect(await rawPost(p, "/okta/events", auth, textBody)).toBe(400);
    expect(await rawPost(p, "/okta/events", auth + header, events)).toBe(200);
    expect(await rawPost(p, "/okta/events", header, textBody)).toBe(401);
    // node refuses raw control bytes in a path; an encoded one is stored and shown as typed
    expect(await rawPost(p, "/okta/events%1B%5B2J", auth, "x")).toBe(404);
  }
  await waitFor(() => target.posts().length === 4, { what: "both listeners forwarded" });
  await compact.waitOut(/↳ forwarded(.|\n)*↳ forwarded/);
  const list = JSON.parse((await runCli(["deliveries", "--db", db, "--json"], env)).stdout) as {
    id: string;
    kind: string;
    headers: [string, string][];
  }[];
  const find = (kind: string, evil: boolean) =>
    list.find((d) => d.kind === kind && d.headers.some(([k]) => k === "X-Evil") === evil)!.id;
  ids.events = find("delivery", false);
  ids.header = find("delivery", true);
  ids.text = find("invalid", false);
  ids.rejected = find("rejected", true);
}, 60_000);

afterAll(async () => {
  await killAll();
  await closeTargets();
  cleanupTmp();
});

const show = (id: string, ...more: string[]) => ["show", id, "--db", db, ...more];

describe("terminal injection: hostile text is shown, never sent to the terminal", () => {
  it("listen --output compact prints every delivery with its controls made visible", () => {
    expectClean(compact.stdout(), "listen compact");
    expect(compact.stdout()).toContain(`evil.${HOSTILE_SHOWN.slice(0, 20)}`);
  });

  it("listen --output json escapes them and still carries the exact text", () => {
    expectClean(json.stdout(), "listen json");
    const types = jsonEvents(json.stdout())
      .filter((e) => e.type === "delivery")
      .map((e) => (e.delivery as { firstEventType: string | null }).firstEventType);
    expect(types).toContain(`evil.${HOSTILE}`);
  });

  it("deliveries, as a table and as JSON", async () => {
    const table = await runCli(["deliveries", "--db", db], env);
    expectClean(table.stdout, "deliveries");
    expect(table.stdout).toContain("POST /okta/events%1B%5B2J");
    const doc = await runCli(["deliveries", "--db", db, "--json"], env);
    expectClean(doc.stdout, "deliveries --json");
    const rows = JSON.parse(doc.stdout) as { headers: [string, string][] }[];
    const evil = rows.flatMap((r) => r.headers).find(([k]) => k === "X-Evil")!;
    expect(evil[1]).toBe("a\x9b2J\x9b31m \xe2\x80\xae b");
  });

  it("show: events, display messages, actors, targets, headers and bodies", async () => {
    for (const id of Object.values(ids)) {
      const r = await runCli(show(id), env);
      expect(r.code).toBe(0);
      expectClean(r.stdout, `show ${id}`);
    }
    const events = (await runCli(show(ids.events), env)).stdout;
    expect(events).toContain(`Created ${HOSTILE_SHOWN}`);
    expect(events).toContain(`by dana ${HOSTILE_SHOWN}`);
    expect(events).toContain(`sam ${HOSTILE_SHOWN}`);
    expect(events).toContain("␍$ sudo okhook --fix");
    expect(events).toContain("<U+200B>zero<U+2066>iso<U+2069>␡");
    const header = (await runCli(show(ids.header), env)).stdout;
    expect(header).toContain("X-Evil: a<U+009B>2J<U+009B>31m");
  });

  it("show --json escapes them and parses back to the exact body", async () => {
    for (const id of [ids.events, ids.text]) {
      const r = await runCli(show(id, "--json"), env);
      expectClean(r.stdout, `show ${id} --json`);
      const doc = JSON.parse(r.stdout) as { body: string };
      if (id === ids.text) expect(doc.body).toBe(textBody);
    }
  });

  it("show --body is byte-exact into a pipe", async () => {
    const r = await runCli(show(ids.text, "--body"), env);
    expect(r.stdout).toBe(textBody);
    const misuse = await runCli(show(ids.text, "--raw"), env);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toBe("okhook: --raw: only with --body (okhook show <id> --body --raw)\n");
  });

  it.skipIf(!hasScript)(
    "on a terminal: show, deliveries and show --body are made safe",
    async () => {
      for (const args of [show(ids.events), show(ids.header), show(ids.text, "--body")]) {
        const r = await runPty(args, env);
        expect(r.code).toBe(0);
        expectClean(r.out, args.join(" "));
      }
      const body = await runPty(show(ids.text, "--body"), env);
      expect(body.out).toContain(`not json ${HOSTILE_SHOWN}`);
      const table = await runPty(["deliveries", "--db", db], env);
      expectClean(table.out, "deliveries on a terminal");
      // colours still work on a terminal
      expect(table.out).toContain("\u001b[");
    },
  );

  it.skipIf(!hasScript)(
    "on a terminal: show --body --raw is what the user asked for, byte for byte",
    async () => {
      const raw = await runPty(show(ids.text, "--body", "--raw"), env);
      expect(raw.out).toContain(`\u001b]52;c;`);
      const curl = await runPty(show(ids.events, "--curl"), env);
      expectClean(curl.out, "show --curl on a terminal");
    },
  );

  it("replay: results, --dry-run (headers and body summary) and --json", async () => {
    const to = ["--to", target.url, "--db", db];
    const sent = await runCli(["replay", ids.events, ids.header, ...to], env);
    expect(sent.code).toBe(0);
    expectClean(sent.stdout, "replay");
    const dry = await runCli(["replay", ids.header, "--dry-run", ...to], env);
    expectClean(dry.stdout, "replay --dry-run");
    expect(dry.stdout.toLowerCase()).toContain("x-evil: a<u+009b>2j");
    const doc = await runCli(["replay", ids.header, "--dry-run", "--json", ...to], env);
    expectClean(doc.stdout, "replay --dry-run --json");
  });

  it("reconcile: display messages and event types from the System Log and the database", async () => {
    const fake = await startFakeOkta();
    try {
      fake.addLogEvents([
        { eventType: "user.lifecycle.create", displayMessage: `Missing ${HOSTILE}` },
      ]);
      const oktaEnv = { ...env, OKTA_ORG_URL: fake.url, OKTA_API_TOKEN: fake.token };
      const text = await runCli(["reconcile", "--since", "2h", "--db", db], oktaEnv);
      expect(text.stderr).toBe("");
      expectClean(text.stdout, "reconcile");
      expect(text.stdout).toContain(`Missing ${HOSTILE_SHOWN}`);
      expect(text.stdout).toContain(`evil.${HOSTILE_SHOWN}`);
      const doc = await runCli(["reconcile", "--since", "2h", "--db", db, "--json"], oktaEnv);
      expectClean(doc.stdout, "reconcile --json");
    } finally {
      await fake.close();
    }
  });

  it("send verify: the verdict quotes what a hostile endpoint answered", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ verification: HOSTILE }));
    });
    try {
      const url = `${server.origin}/`;
      const text = await runCli(["send", "verify", "--to", url], env);
      expect(text.code).toBe(1);
      expectClean(text.stdout, "send verify");
      expect(text.stdout).toContain("NOT VERIFIED");
      const doc = await runCli(["send", "verify", "--to", url, "--json"], env);
      expectClean(doc.stdout, "send verify --json");
    } finally {
      await server.close();
    }
  });

  it("show tunnel-log: cloudflared's log quotes requests", async () => {
    writeFileSync(`${db}.tunnel.log`, `INF request ${HOSTILE}\nERR ${HOSTILE}\n`);
    const r = await runCli(["show", "tunnel-log", "--db", db], env);
    expect(r.code).toBe(0);
    expectClean(r.stdout, "show tunnel-log");
    expect(r.stdout.split("\n")).toHaveLength(3);
    // --json, like every printing command: the lines escaped, parsing back to the exact text
    const doc = await runCli(["show", "tunnel-log", "--db", db, "--json"], env);
    expect(doc.code).toBe(0);
    expectClean(doc.stdout, "show tunnel-log --json");
    expect(JSON.parse(doc.stdout)).toEqual({
      file: `${db}.tunnel.log`,
      lines: [`INF request ${HOSTILE}`, `ERR ${HOSTILE}`],
    });
    const curl = await runCli(["show", "tunnel-log", "--db", db, "--curl"], env);
    expect(curl.code).toBe(2);
    expect(curl.stderr).toMatch(
      /^okhook: tunnel-log: --body, --raw, --curl and --to apply to a delivery/,
    );
  });

  it("errors that quote the input show it instead of obeying it", async () => {
    for (const args of [
      ["show", `7f3k${HOSTILE}`, "--db", db],
      ["deliveries", "--status", HOSTILE, "--db", db],
      ["replay", "--to", HOSTILE, "--all", "--db", db],
      ["deliveries", `--x${HOSTILE}`],
    ]) {
      const r = await runCli(args, env);
      expect(r.code).toBe(2);
      expectClean(r.stderr, `stderr of ${args[0]} ${args[1]}`);
      expect(r.stderr).toContain("␛");
    }
  });

  it.skipIf(!hasScript)(
    "okhook ui (the TUI) shows the hostile rows and emits none of their sequences",
    async () => {
      const r = await runPty(["ui", "--db", db], env, { until: "evil.<U+202E>gnp.exe", keys: "q" });
      expect(r.code).toBe(0);
      for (const s of ["\u001b]52;", "\u001b]8;;https://evil", "\u009b", "\u202e", "\u001b[8m"])
        expect(r.out.includes(s), JSON.stringify(s)).toBe(false);
    },
  );
});
