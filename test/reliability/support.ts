import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { Pool } from "undici";
import { envelope, logEvent } from "../helpers/payload.js";

/** Print the one summary figure line a reliability suite reports (numbers with thousands separators). */
export function summary(line: string): void {
  console.log(line);
}

/** 12431 → "12,431". */
export const fmt = (n: number): string => n.toLocaleString("en-US");

/** Resident memory of a process in MiB, from /proc/<pid>/status (undefined once it is gone). */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One Okta-shaped delivery holding one event with a fresh uuid, as exact bytes. */
export function uniqueDelivery(): { uuid: string; body: Buffer } {
  const uuid = randomUUID();
  return { uuid, body: envelope([logEvent("user.lifecycle.create", uuid)]) };
}

/** What a load run saw: acknowledged bodies by event uuid, statuses, errors. */
export interface LoadResult {
  acked: Map<string, Buffer>;
  statuses: Map<number, number>;
  sent: number;
  errors: number;
}

/** A running load: `connections` loops each POSTing unique deliveries until stopped. */
export interface Load {
  result: LoadResult;
  /** Stop sending, wait for every loop, close the pool. */
  stop: () => Promise<LoadResult>;
  /** Wait until `maxRequests` were sent and answered (or every loop failed), close the pool. */
  finished: () => Promise<LoadResult>;
}

/**
 * POST unique deliveries over `connections` keep-alive connections (one loop per connection)
 * until `stop()`, `maxRequests`, or the first error of a loop (a killed listener).
 */
export function startLoad(o: {
  url: string;
  connections: number;
  maxRequests: number;
  headers?: Record<string, string>;
}): Load {
  const url = new URL(o.url);
  const pool = new Pool(url.origin, { connections: o.connections, pipelining: 1 });
  const result: LoadResult = { acked: new Map(), statuses: new Map(), sent: 0, errors: 0 };
  let stopped = false;
  const loop = async () => {
    while (!stopped && result.sent < o.maxRequests) {
      const { uuid, body } = uniqueDelivery();
      result.sent++;
      try {
        const res = await pool.request({
          path: url.pathname,
          method: "POST",
          headers: { "content-type": "application/json", ...o.headers },
          body,
        });
        await res.body.dump();
        result.statuses.set(res.statusCode, (result.statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode === 200) result.acked.set(uuid, body);
      } catch {
        result.errors++;
        return;
      }
    }
  };
  const loops = Array.from({ length: o.connections }, loop);
  const finished = async () => {
    await Promise.all(loops);
    await pool.destroy();
    return result;
  };
  return {
    result,
    finished,
    stop: () => {
      stopped = true;
      return finished();
    },
  };
}

/** What came back on a raw socket: the status of the first answer (null: none), all bytes. */
export interface RawAnswer {
  status: number | null;
  text: string;
}

/**
 * Send raw bytes on a fresh connection and read until the server closes it or one complete
 * answer (headers + content-length body) has arrived. `end` half-closes after writing.
 */
export function rawRequest(
  port: number,
  data: string | Buffer | (string | Buffer)[],
  { end = false, timeoutMs = 10_000 } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let buf = Buffer.alloc(0);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = buf.toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms on a raw request`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (complete(buf)) done();
    });
    socket.on("error", () => {});
    socket.on("close", done);
    socket.on("connect", () => {
      for (const part of Array.isArray(data) ? data : [data]) socket.write(part);
      if (end) socket.end();
    });
  });
}

function complete(buf: Buffer): boolean {
  const head = buf.indexOf("\r\n\r\n");
  if (head === -1) return false;
  const m = /\r\ncontent-length: *(\d+)/i.exec(buf.subarray(0, head).toString("latin1"));
  return m !== null && buf.length >= head + 4 + Number(m[1]);
}
