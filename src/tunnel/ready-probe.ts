import { Agent, get } from "node:http";

/** One `/ready` request gives up after this long (it answers from memory, on loopback). */
export const READY_PROBE_TIMEOUT_MS = 1_000;

/**
 * Asks cloudflared's metrics server how many edge connections are registered. `/ready` answers
 * 200 `{"readyConnections":1,…}` while one is, 503 with 0 while none is; it is fed by the same
 * connection events as the log, including the ones that log nothing (a reconnect the edge asked
 * for), so it is the truth the log lines only hint at.
 */
export class ReadyProbe {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private closed = false;

  /** `address` as cloudflared logs it: `127.0.0.1:20241`. */
  constructor(private readonly address: string) {}

  /** Registered connections now, or undefined when the metrics server did not answer sensibly. */
  readyConnections(): Promise<number | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const req = get(
        `http://${this.address}/ready`,
        { agent: this.agent, timeout: READY_PROBE_TIMEOUT_MS },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            if (body.length < 4096) body += c;
          });
          res.on("end", () => resolve(parseReady(body)));
          res.on("error", () => resolve(undefined));
        },
      );
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(undefined));
    });
  }

  /** Drop the kept-alive socket. */
  close(): void {
    this.closed = true;
    this.agent.destroy();
  }
}

function parseReady(body: string): number | undefined {
  try {
    const n = (JSON.parse(body) as { readyConnections?: unknown }).readyConnections;
    return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
