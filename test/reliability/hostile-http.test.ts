import { connect, type Socket } from "node:net";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, killAll, runCli, startListen } from "../helpers/cli.js";
import { query } from "../helpers/db.js";
import { envelope, logEvent, post } from "../helpers/payload.js";
import { cleanupTmp, tmpDir } from "../helpers/tmp.js";
import { waitFor } from "../helpers/wait.js";
import { alive, fmt, rawRequest, rssMiB, summary, uniqueDelivery } from "./support.js";

const SECRET = "hostile-input-secret-7f3a";
const RSS_LIMIT_MIB = 256;
const MIB = 1024 * 1024;

afterEach(async () => {
  await killAll();
  cleanupTmp();
});

/** A listener plus the probes every hostile test needs. */
async function hostileListener(extra: string[] = []) {
  const home = tmpDir();
  const db = join(home, "okhook.db");
  const env = cliEnv(home);
  const l = await startListen(["--db", db, "--secret", SECRET, ...extra], env);
  const latencies: number[] = [];
  const probeUuids: string[] = [];
  return {
    l,
    db,
    env,
    latencies,
    rows: () => query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM deliveries")[0]!.n,
    warnings: () => l.stdout().match(/"type":"warning"/g)?.length ?? 0,
    /** A valid delivery still gets its 200 (latency logged, never asserted). */
    probe: async () => {
      const { uuid, body } = uniqueDelivery();
      const res = await post(l.hookUrl, body, { authorization: SECRET });
      expect(res.status).toBe(200);
      latencies.push(res.ms);
      probeUuids.push(uuid);
    },
    probesStored: () =>
      probeUuids.every((u) => query(db, "SELECT 1 FROM events WHERE uuid = ?", u).length === 1),
  };
}

/** Raw request text with CRLF framing. */
function raw(lines: string[], body: string | Buffer = ""): (string | Buffer)[] {
  return [`${lines.join("\r\n")}\r\n\r\n`, body];
}

const HOOK = "POST /okta/events HTTP/1.1";
const auth = `authorization: ${SECRET}`;

/** A valid delivery as raw parts, with headers to add. */
function validRaw(extra: string[] = [], first = HOOK, body = uniqueDelivery().body) {
  return raw(
    [
      first,
      "host: 127.0.0.1",
      "content-type: application/json",
      auth,
      ...extra,
      `content-length: ${body.length}`,
    ],
    body,
  );
}

interface Case {
  name: string;
  data: (string | Buffer)[];
  /** Half-close after writing (the client gives up mid-request). */
  end?: boolean;
  status: number | null;
  /** Rows this request adds to the DB, and warnings it adds to the session output. */
  stored: number;
  counted: number;
}

function chunked10MiB(): (string | Buffer)[] {
  const parts: (string | Buffer)[] = [
    `${HOOK}\r\nhost: x\r\n${auth}\r\ntransfer-encoding: chunked\r\n\r\n`,
  ];
  for (let i = 0; i < 10; i++)
    parts.push(`${MIB.toString(16)}\r\n`, Buffer.alloc(MIB, 0x62), "\r\n");
  parts.push("0\r\n\r\n");
  return parts;
}

function cases(): Case[] {
  const valid = uniqueDelivery().body;
  const invalidUtf8 = envelope([logEvent("user.account.lock")]);
  invalidUtf8[invalidUtf8.indexOf("Test user") + 1] = 0xff; // "T\xffst": not UTF-8 at all
  const deep = Buffer.from(`{"data":{"events":[${"[".repeat(200_000)}${"]".repeat(200_000)}]}}`);
  return [
    { name: "garbage request line", data: ["GARBAGE\r\n\r\n"], status: 400, stored: 0, counted: 1 },
    {
      name: "HTTP/9.9",
      data: raw(["GET /okta/events HTTP/9.9"]),
      status: 400,
      stored: 0,
      counted: 1,
    },
    {
      name: "HTTP/2 preface",
      data: ["PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"],
      status: 400,
      stored: 0,
      counted: 1,
    },
    {
      name: "control byte in path",
      data: raw(["POST /okta/ev\x01nts HTTP/1.1"]),
      status: 400,
      stored: 0,
      counted: 1,
    },
    {
      name: "20 KB header",
      data: validRaw([`x-big: ${"a".repeat(20_000)}`]),
      status: 431,
      stored: 0,
      counted: 1,
    },
    {
      name: "3,000 headers",
      data: validRaw(Array.from({ length: 3000 }, (_, i) => `x-h${i}: v`)),
      status: 431,
      stored: 0,
      counted: 1,
    },
    {
      name: "two Content-Lengths",
      data: validRaw(["content-length: 3"]),
      status: 400,
      stored: 0,
      counted: 1,
    },
    {
      name: "Content-Length + chunked",
      data: validRaw(["transfer-encoding: chunked"]),
      status: 400,
      stored: 0,
      counted: 1,
    },
    {
      name: "Content-Length longer than the body, then EOF",
      data: raw([HOOK, "host: x", auth, "content-length: 500"], '{"data":'),
      end: true,
      status: 400,
      stored: 0,
      counted: 2,
    },
    {
      name: "Content-Length shorter than the body",
      data: raw([HOOK, "host: x", auth, "content-length: 5"], valid),
      status: 400,
      stored: 1,
      counted: 1,
    },
    {
      name: "chunk size not hex",
      data: raw([HOOK, "host: x", auth, "transfer-encoding: chunked"], "zz\r\nabc\r\n"),
      status: 400,
      stored: 0,
      counted: 1,
    },
    {
      name: "chunked body cut off, then EOF",
      data: raw([HOOK, "host: x", auth, "transfer-encoding: chunked"], '5\r\n{"dat\r\n'),
      end: true,
      status: 400,
      stored: 0,
      counted: 2,
    },
    {
      name: "valid delivery, then garbage on the same connection",
      data: [...validRaw(), "GARBAGE\r\n\r\n"],
      status: 200,
      stored: 1,
      counted: 1,
    },
    {
      name: "CONNECT",
      data: raw(["CONNECT example.com:443 HTTP/1.1", "host: example.com:443"]),
      status: 405,
      stored: 0,
      counted: 1,
    },
    { name: "no Host header", data: validRaw().map(noHost), status: 200, stored: 1, counted: 0 },
    {
      name: "HTTP/1.0",
      data: validRaw([], "POST /okta/events HTTP/1.0"),
      status: 200,
      stored: 1,
      counted: 0,
    },
    {
      name: "empty POST",
      data: raw([HOOK, "host: x", auth, "content-length: 0"]),
      status: 400,
      stored: 1,
      counted: 0,
    },
    {
      name: "PUT",
      data: raw(["PUT /okta/events HTTP/1.1", "host: x", "content-length: 0"]),
      status: 405,
      stored: 1,
      counted: 0,
    },
    {
      name: "GET without challenge",
      data: raw(["GET /okta/events HTTP/1.1", "host: x"]),
      status: 405,
      stored: 1,
      counted: 0,
    },
    {
      name: "unknown path",
      data: raw(["GET /.env HTTP/1.1", "host: x"]),
      status: 404,
      stored: 1,
      counted: 0,
    },
    {
      name: "duplicated auth header (wrong first)",
      data: validRaw().map((p) =>
        typeof p === "string" ? p.replace(auth, `authorization: wrong\r\n${auth}`) : p,
      ),
      status: 401,
      stored: 1,
      counted: 0,
    },
    {
      name: "invalid UTF-8 body",
      data: validRaw([], HOOK, invalidUtf8),
      status: 200,
      stored: 1,
      counted: 0,
    },
    {
      name: "invalid UTF-8 header value",
      data: [
        Buffer.from(
          `${HOOK}\r\nhost: x\r\n${auth}\r\nx-odd: \xff\xfe\r\ncontent-length: ${valid.length}\r\n\r\n`,
          "latin1",
        ),
        valid,
      ],
      status: 200,
      stored: 1,
      counted: 0,
    },
    {
      name: "JSON nested 200,000 deep",
      data: validRaw([], HOOK, deep),
      status: 200,
      stored: 1,
      counted: 0,
    },
    {
      name: "10 MiB body with Content-Length",
      data: raw(
        [HOOK, "host: x", auth, `content-length: ${10 * MIB}`],
        Buffer.alloc(10 * MIB, 0x61),
      ),
      status: 413,
      stored: 1,
      counted: 0,
    },
    { name: "10 MiB chunked body", data: chunked10MiB(), status: 413, stored: 1, counted: 0 },
  ];
}

function noHost(part: string | Buffer): string | Buffer {
  return typeof part === "string" ? part.replace("host: 127.0.0.1\r\n", "") : part;
}

describe("hostile HTTP input", () => {
  it("answers every malformed request with the right status, stores or counts it, keeps serving", async () => {
    const h = await hostileListener();
    await h.probe();
    const seen: string[] = [];
    const codes = new Set<number>();
    for (const c of cases()) {
      const before = { rows: h.rows(), warnings: h.warnings() };
      const answer = await rawRequest(h.l.port, c.data, { end: c.end });
      expect(answer.status, c.name).toBe(c.status);
      expect(answer.text, c.name).not.toMatch(/\n\s+at |node:|okhook|x-powered-by/i);
      await waitFor(
        () => h.rows() >= before.rows + c.stored && h.warnings() >= before.warnings + c.counted,
        { timeoutMs: 5000, what: `${c.name}: ${c.stored} stored, ${c.counted} counted` },
      );
      expect(h.rows(), c.name).toBe(before.rows + c.stored);
      await h.probe();
      seen.push(c.name);
      if (c.status !== null && c.status !== 200) codes.add(c.status);
    }
    expect(alive(h.l.child.pid!)).toBe(true);
    const rss = rssMiB(h.l.child.pid!)!;
    expect(rss).toBeLessThan(RSS_LIMIT_MIB);
    expect(h.probesStored()).toBe(true);

    const big = query<{ kind: string; body: Buffer | null; size: number }>(
      h.db,
      "SELECT kind, body, size FROM deliveries WHERE status = 413",
    );
    expect(big).toEqual([
      { kind: "too_large", body: null, size: 10 * MIB },
      { kind: "too_large", body: null, size: 10 * MIB },
    ]);
    const rejected = query<{ headers: string }>(
      h.db,
      "SELECT headers FROM deliveries WHERE kind = 'rejected'",
    );
    expect(rejected[0]!.headers).not.toContain(SECRET);
    expect(JSON.parse(rejected[0]!.headers)).toContainEqual(["authorization", "[redacted]"]);

    // Odd bodies are kept byte for byte and `show` still prints them.
    const odd = query<{ id: string; body: Buffer }>(
      h.db,
      "SELECT id, body FROM deliveries WHERE kind = 'delivery' AND (instr(body, x'ff') > 0 OR size > 300000)",
    );
    expect(odd).toHaveLength(2);
    for (const row of odd) {
      const shown = await runCli(["show", row.id, "--json", "--db", h.db], h.env);
      expect(shown.code, shown.stderr).toBe(0);
      const doc = JSON.parse(shown.stdout) as { body: string; bodyEncoding: "utf8" | "base64" };
      expect(Buffer.from(doc.body, doc.bodyEncoding).equals(row.body)).toBe(true);
    }
    summary(
      `hostile http: ${seen.length} hostile cases answered (${[...codes].sort().join("/")}), ${fmt(h.rows())} stored, ` +
        `${h.warnings()} counted, listener alive, RSS ${rss.toFixed(0)} MiB, valid delivery between each: ` +
        `max ${Math.max(...h.latencies).toFixed(0)} ms`,
    );
  });

  it("serves deliveries while slowloris clients and 500 idle connections hang on, and closes them (408) after the headers timeout", async () => {
    const headersTimeoutMs = 500;
    const h = await hostileListener(["--headers-timeout", String(headersTimeoutMs)]);
    const port = h.l.port;
    const sockets: { socket: Socket; data: string; closed: boolean }[] = [];
    const open = (): Promise<(typeof sockets)[number]> =>
      new Promise((resolve) => {
        const s = { socket: connect(port, "127.0.0.1"), data: "", closed: false };
        s.socket.on("data", (d: Buffer) => {
          s.data += d.toString("latin1");
        });
        s.socket.on("error", () => {});
        s.socket.on("close", () => {
          s.closed = true;
        });
        s.socket.on("connect", () => resolve(s));
        sockets.push(s);
      });
    const idle = await Promise.all(Array.from({ length: 500 }, open));
    // Slowloris: headers dribbled one byte at a time, never finished in time.
    const slow = await Promise.all(Array.from({ length: 5 }, open));
    const request = `${HOOK}\r\nhost: x\r\n${auth}\r\nx-pad: ${"p".repeat(400)}\r\n`;
    let sent = 0;
    const dribble = setInterval(() => {
      for (const s of slow) if (!s.closed && sent < request.length) s.socket.write(request[sent]!);
      sent++;
    }, 10);
    try {
      for (let i = 0; i < 5; i++) await h.probe();
      const rssDuring = rssMiB(h.l.child.pid!)!;
      await waitFor(() => sockets.every((s) => s.closed), {
        timeoutMs: headersTimeoutMs * 8,
        what: "the listener to close slow and idle connections",
      });
      expect(sent).toBeLessThan(request.length);
      for (const s of [...idle, ...slow]) expect(s.data).toMatch(/^HTTP\/1\.1 408 /);
      await waitFor(() => h.warnings() >= 505);
      await h.probe();
      expect(alive(h.l.child.pid!)).toBe(true);
      expect(rssDuring).toBeLessThan(RSS_LIMIT_MIB);
      expect(h.probesStored()).toBe(true);
      summary(
        `slow clients: 500 idle + 5 slowloris connections closed with 408 after the ${headersTimeoutMs} ms headers timeout, ` +
          `${h.latencies.length} valid deliveries answered meanwhile (max ${Math.max(...h.latencies).toFixed(0)} ms), RSS ${rssDuring.toFixed(0)} MiB`,
      );
    } finally {
      clearInterval(dribble);
      for (const s of sockets) s.socket.destroy();
    }
  });

  it("answers any generated raw request with a valid status or a close, stores or counts it, never dies (fast-check)", async () => {
    const h = await hostileListener();
    const statuses = new Map<string, number>();
    const allowed = new Set([200, 400, 401, 404, 405, 408, 413, 431]);
    // Mostly well-formed requests with a twist, so the handler's paths get exercised too,
    // plus some plain noise for the parser.
    const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
    const noise = fc.string({ maxLength: 40, unit: "binary" });
    const often = <T>(usual: fc.Arbitrary<T>, ...rare: fc.Arbitrary<T>[]) =>
      fc.oneof(
        { arbitrary: usual, weight: 12 },
        ...rare.map((arbitrary) => ({ arbitrary, weight: 1 })),
      );
    const request = fc.record({
      method: often(
        fc.constant("POST"),
        fc.constantFrom("GET", "PUT", "HEAD", "OPTIONS", "DELETE"),
        token,
        noise,
      ),
      path: often(fc.constant("/okta/events"), fc.webPath(), noise),
      version: often(
        fc.constant("HTTP/1.1"),
        fc.constantFrom("HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", ""),
      ),
      headers: fc.array(
        fc.tuple(
          often(
            fc.constantFrom(
              "content-type",
              "authorization",
              "x-okta-verification-challenge",
              "host",
              "expect",
            ),
            token,
            noise,
          ),
          often(fc.oneof(fc.constant(SECRET), fc.string({ maxLength: 40 })), noise),
        ),
        { maxLength: 6 },
      ),
      body: often(
        fc.constant(null).map(() => uniqueDelivery().body),
        fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
        fc.json().map((j) => Buffer.from(j)),
      ),
      framing: often(fc.constant("length"), fc.constantFrom("wrong-length", "chunked", "none")),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = h.rows() + h.warnings();
        const head = [
          `${r.method} ${r.path} ${r.version}`,
          ...r.headers.map(([k, v]) => `${k}: ${v}`),
        ];
        let body: Buffer = r.body;
        if (r.framing === "length") head.push(`content-length: ${body.length}`);
        if (r.framing === "wrong-length") head.push(`content-length: ${body.length + 7}`);
        if (r.framing === "chunked") {
          head.push("transfer-encoding: chunked");
          body = Buffer.concat([
            Buffer.from(`${body.length.toString(16)}\r\n`),
            body,
            Buffer.from("\r\n0\r\n\r\n"),
          ]);
        }
        const data = [Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "latin1"), body];
        const answer = await rawRequest(h.l.port, data, { end: true, timeoutMs: 5000 });
        const key = String(answer.status ?? "closed");
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (answer.status !== null) expect(allowed).toContain(answer.status);
        expect(h.l.child.exitCode).toBeNull();
        await waitFor(() => h.rows() + h.warnings() > before, {
          timeoutMs: 3000,
          intervalMs: 2,
          what: "the request stored or counted",
        });
      }),
      { numRuns: 150 },
    );
    await h.probe();
    expect(alive(h.l.child.pid!)).toBe(true);
    const rss = rssMiB(h.l.child.pid!)!;
    expect(rss).toBeLessThan(RSS_LIMIT_MIB);
    const mix = [...statuses]
      .sort()
      .map(([k, n]) => `${k}×${n}`)
      .join(" ");
    summary(
      `hostile http (fast-check): 150 generated requests → ${mix}; all stored or counted, listener alive, RSS ${rss.toFixed(0)} MiB`,
    );
  });
});
