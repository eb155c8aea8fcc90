import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { accessSync, constants, readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./target.js";
import { waitFor } from "./wait.js";

/**
 * The real cloudflared kit (../shared/cloudflared-real beside the checkout; CI has it there too):
 * cloudflared 2025.5.0, a stand-in for Cloudflare's edge, a mock of the quick tunnel service.
 * OKHOOK_CLOUDFLARED_KIT points elsewhere.
 */
export const KIT =
  process.env.OKHOOK_CLOUDFLARED_KIT ??
  resolve(fileURLToPath(new URL("../../", import.meta.url)), "../shared/cloudflared-real");

/** Why the kit cannot be used here (undefined: it can). */
export const kitMissing: string | undefined = (() => {
  for (const file of ["bin/cloudflared", "bin/fakeedge", "cloudflared-with-mock-qs"]) {
    try {
      accessSync(join(KIT, file), constants.X_OK);
    } catch {
      return `${join(KIT, file)} is not there or not executable (set OKHOOK_CLOUDFLARED_KIT to the kit)`;
    }
  }
  return process.platform === "linux" ? undefined : "the kit's binaries are linux/amd64";
})();

/** The real binary, and the wrapper that points its quick tunnel request at the mock. */
export const CLOUDFLARED = join(KIT, "bin/cloudflared");
export const CLOUDFLARED_QUICK = join(KIT, "cloudflared-with-mock-qs");

const started = new Set<ChildProcess>();

/** A running stand-in for Cloudflare's edge. */
export interface Edge {
  /** The QUIC address cloudflared dials (its TUNNEL_EDGE). */
  quic: string;
  /** Where "Okta" sends requests, with the public hostname as Host. */
  http: string;
  /** The CA the edge's certificate is signed with (cloudflared's TUNNEL_CACERT). */
  ca: string;
  /** Close the registered connection now; cloudflared reconnects by itself. */
  drop: () => void;
}

/** A UDP port nothing listens on (bound then released). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((done) => socket.bind(0, "127.0.0.1", done));
  const { port } = socket.address();
  await new Promise<void>((done) => socket.close(() => done()));
  return port;
}

/** Start fakeedge on free loopback ports; it writes a new CA (start cloudflared after it). */
export async function startEdge(dir: string, o: { registerError?: string } = {}): Promise<Edge> {
  const quic = `127.0.0.1:${await freeUdpPort()}`;
  const http = `127.0.0.1:${await freePort()}`;
  const ca = join(dir, "edge-ca.pem");
  const args = ["-listen", quic, "-http", http, "-ca", ca];
  if (o.registerError) args.push("-register-error", o.registerError);
  const child = track(
    spawn(join(KIT, "bin/fakeedge"), args, { stdio: ["ignore", "ignore", "pipe"] }),
  );
  await lineFrom(child, /fakeedge: quic=/, "fakeedge to start");
  return { quic, http, ca, drop: () => child.kill("SIGUSR1") };
}

/** Start the mock quick tunnel service (`ok` with random hostnames, `429`, `badjson`); resolves with its URL. */
export async function startQuickService(mode: "ok" | "429" | "badjson"): Promise<string> {
  const child = track(
    spawn(process.execPath, [join(KIT, "mock-quick-service.mjs"), "0", "random", mode], {
      stdio: ["ignore", "ignore", "pipe"],
    }),
  );
  const m = await lineFrom(child, /mock: listening on (\d+)/, "the mock quick service");
  return `http://127.0.0.1:${m[1]}`;
}

/** Environment that sends the real cloudflared to this edge and quick service. */
export function edgeEnv(edge: Edge, quickService?: string): Record<string, string> {
  const env: Record<string, string> = { TUNNEL_EDGE: edge.quic, TUNNEL_CACERT: edge.ca };
  if (quickService) env.MOCK_QS = quickService;
  return env;
}

/** Pids of cloudflared processes sent to this edge address (found via /proc). */
export function cloudflaredsFor(edgeQuic: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // the program itself, not okhook (whose arguments name cloudflared too)
      const program = readFileSync(`/proc/${entry}/cmdline`, "latin1").split("\0")[0] ?? "";
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1");
      if (basename(program) === "cloudflared" && environ.includes(`TUNNEL_EDGE=${edgeQuic}\0`)) {
        pids.push(Number(entry));
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Send a request to the edge as Okta would reach the public hostname. */
export function viaEdge(
  edge: Edge,
  publicUrl: string,
  o: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = request(
      `http://${edge.http}${o.path}`,
      { method: o.method ?? "GET", headers: { ...o.headers, host: new URL(publicUrl).host } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          text += c;
        });
        res.on("end", () => done({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", fail);
    req.end(o.body);
  });
}

/** Kill every edge and mock started, and any cloudflared still pointed at them (afterEach). */
export async function stopKit(edges: Edge[]): Promise<number[]> {
  const left = edges.flatMap((e) => cloudflaredsFor(e.quic));
  for (const pid of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  await Promise.all(
    [...started].map(
      (c) =>
        new Promise<void>((done) => {
          if (c.exitCode !== null || c.signalCode !== null) return done();
          c.once("exit", () => done());
          c.kill("SIGKILL");
        }),
    ),
  );
  started.clear();
  return left;
}

function track(child: ChildProcess): ChildProcess {
  started.add(child);
  child.once("exit", () => started.delete(child));
  return child;
}

async function lineFrom(child: ChildProcess, re: RegExp, what: string): Promise<RegExpMatchArray> {
  let text = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (c: string) => {
    text += c;
  });
  return waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${text.slice(-300)}`);
      return re.exec(text);
    },
    { timeoutMs: 10_000, what },
  );
}
