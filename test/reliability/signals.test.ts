import { existsSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, cliEnv, killAll, startCli } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import {
  FAKE_CLOUDFLARED,
  type FakeProxyState,
  fakeCloudflaredEnv,
  readFakeProxy,
} from "../helpers/fake-cloudflared.js";
import { post } from "../helpers/payload.js";
import { closeTargets, startTarget } from "../helpers/target.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { itTmux, killTmux, shq, TmuxSession } from "../helpers/tmux.js";
import { waitFor } from "../helpers/wait.js";
import { alive, summary, uniqueDelivery } from "./support.js";

const SECRET = "signals-secret-value-2b9e";
const figures: string[] = [];

afterEach(async () => {
  killTmux();
  await killAll();
  await closeTargets();
  cleanupTmp();
});

function setup(mode: Parameters<typeof fakeCloudflaredEnv>[0] = "ok") {
  const home = tmpDir();
  const stateDir = tmpDir("okhook-cf-");
  const env = cliEnv(home, {
    OKHOOK_CLOUDFLARED: FAKE_CLOUDFLARED,
    ...fakeCloudflaredEnv(mode, { stateDir, delayMs: 300 }),
  });
  return { home, stateDir, db: join(home, "okhook.db"), env };
}

/** Processes started with FAKE_CLOUDFLARED_STATE_DIR=stateDir (found via /proc, whatever state they reached). */
function cloudflaredsOf(stateDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1");
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "latin1");
      if (
        environ.includes(`FAKE_CLOUDFLARED_STATE_DIR=${stateDir}\0`) &&
        cmdline.includes("fake-cloudflared")
      ) {
        pids.push(Number(entry));
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/**
 * A request whose headers and half its body have reached the listener: it is in flight when
 * the signal lands. `finish()` sends the rest and resolves with the status line.
 */
async function inFlightDelivery(port: number, body: Buffer) {
  const socket = connect(port, "127.0.0.1");
  let answer = "";
  socket.on("data", (d: Buffer) => {
    answer += d.toString("latin1");
  });
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
  const half = Math.floor(body.length / 2);
  socket.write(
    `POST /okta/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: ${SECRET}\r\ncontent-length: ${body.length}\r\n\r\n`,
  );
  socket.write(body.subarray(0, half));
  return {
    finish: async () => {
      socket.end(body.subarray(half));
      await Promise.race([closed, waitFor(() => /\r\n\r\n/.test(answer))]);
      return /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
    },
  };
}

describe("signals: clean shutdown", () => {
  it.each(["SIGINT", "SIGTERM", "SIGHUP"] as const)(
    "%s: finishes the in-flight acknowledgement and its forward, stops cloudflared, closes the DB, exits 0",
    async (signal) => {
      const s = setup();
      const target = await startTarget();
      const l = startCli(
        [
          "listen",
          "--port",
          "0",
          "--output",
          "json",
          "--db",
          s.db,
          "--secret",
          SECRET,
          "--forward-to",
          target.url,
        ],
        s.env,
      );
      const m = await l.waitOut(/"type":"tunnel","state":"ready","publicUrl":"([^"]+)"/);
      const tunnel: FakeProxyState = readFakeProxy(s.stateDir, m[1]!)!;
      const port = Number(new URL(tunnel.origin).port);
      const { uuid, body } = uniqueDelivery();
      const req = await inFlightDelivery(port, body);
      // Barrier: a full round trip on another connection, so the listener has read the first
      // request's headers (they arrived earlier) before the signal.
      expect(
        (
          await post(`http://127.0.0.1:${port}/okta/events`, uniqueDelivery().body, {
            authorization: SECRET,
          })
        ).status,
      ).toBe(200);
      l.child.kill(signal);
      await waitFor(() => /"type":"stopping"/.test(l.stdout()));
      expect(await req.finish()).toBe("200");
      expect(await l.exited).toBe(0);
      expect(existsSync(`${s.db}-wal`)).toBe(false);
      expect(alive(tunnel.pid)).toBe(false);
      expect(cloudflaredsOf(s.stateDir)).toEqual([]);
      const row = query<{ forward_state: string }>(
        s.db,
        "SELECT d.forward_state FROM events e JOIN deliveries d ON d.seq = e.delivery_seq WHERE e.uuid = ?",
        uuid,
      );
      expect(row).toEqual([{ forward_state: "forwarded" }]);
      expect(target.posts()).toHaveLength(2);
      figures.push(signal);
    },
  );

  it("a signal while the tunnel is still being set up: exits 0 and leaves no cloudflared behind", async () => {
    for (let i = 0; i < 3; i++) {
      const s = setup("slow");
      const l = startCli(["listen", "--port", "0", "--output", "json", "--db", s.db], s.env);
      // Right after the port is bound, before cloudflared registered (or even started).
      await l.waitOut(/"type":"listening"/);
      l.child.kill("SIGTERM");
      await waitFor(() => l.child.exitCode !== null || l.child.signalCode !== null, {
        timeoutMs: 10_000,
        what: "listen to exit",
      });
      expect(l.child.exitCode).toBe(0);
      await waitFor(() => cloudflaredsOf(s.stateDir).length === 0, {
        timeoutMs: 5000,
        what: "no cloudflared left",
      });
    }
    figures.push("signal during tunnel setup");
  });

  itTmux(
    "closing the terminal (tmux kill-session): the shell passes SIGHUP on, listen exits 0 with everything closed",
    async () => {
      const s = setup();
      const exitFile = join(s.home, "exit-code");
      const envArgs = Object.entries(s.env).map(([k, v]) => `${k}=${v}`);
      const listen = [
        process.execPath,
        BIN,
        "listen",
        "--port",
        "0",
        "--db",
        s.db,
        "--secret",
        SECRET,
      ]
        .map((a) => `'${a}'`)
        .join(" ");
      // Like an interactive shell when its terminal goes away: pass SIGHUP on to the job, wait for it.
      const script = `${listen} & pid=$!; trap 'kill -HUP $pid' HUP; wait $pid; rc=$?; while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done; echo $rc > '${exitFile}'`;
      const tmux = new TmuxSession(s.home);
      tmux.startScript(
        `env -i TERM=tmux-256color ${envArgs.map(shq).join(" ")} sh -c ${shq(script)}`,
        { columns: 120, rows: 40 },
      );
      const tunnel = await waitFor(
        () => {
          const file = readdirSync(s.stateDir).find((f) => f.endsWith(".json"));
          return file ? readFakeProxy(s.stateDir, file.replace(/\.json$/, "")) : undefined;
        },
        { timeoutMs: 15_000, what: "the tunnel under tmux" },
      );
      await tmux.see(/trycloudflare\.com\/okta\/events/);
      const { uuid, body } = uniqueDelivery();
      expect(
        (await post(`${tunnel.origin}/okta/events`, body, { authorization: SECRET })).status,
      ).toBe(200);
      tmux.closeTerminal();
      const code = await waitFor(
        () => existsSync(exitFile) && readFileSync(exitFile, "utf8").trim(),
        {
          timeoutMs: 15_000,
          what: "listen to exit after the terminal closed",
        },
      );
      expect(code).toBe("0");
      expect(existsSync(`${s.db}-wal`)).toBe(false);
      expect(alive(tunnel.pid)).toBe(false);
      expect(cloudflaredsOf(s.stateDir)).toEqual([]);
      expect(query(s.db, "SELECT 1 FROM events WHERE uuid = ?", uuid)).toHaveLength(1);
      figures.push("terminal closed under tmux");
      summary(
        `signals: ${figures.join(", ")} → exit 0, in-flight ack answered 200 and forwarded, no -wal left, cloudflared gone`,
      );
    },
  );
});
