// Reference for the forward scenario (not a target baseline): the minimal durable server
// (durable-server.mjs, same storage and group commit) plus the least a forwarder can do — a
// bare undici loop POSTing each stored body to the target, 8 in flight, no bookkeeping.
// It shows what forwarding alone costs on this machine.
// Usage: node durable-forward-server.mjs <db file> <target url>
import { createServer } from "node:http";
import Database from "better-sqlite3";
import { Agent, request } from "undici";

const [file, target] = process.argv.slice(2);
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec(`
  CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, headers TEXT NOT NULL, body BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS events (request_id INTEGER NOT NULL, uuid TEXT, type TEXT, published TEXT);
  CREATE INDEX IF NOT EXISTS events_uuid ON events(uuid);
`);
const insertRequest = db.prepare("INSERT INTO requests (headers, body) VALUES (?, ?)");
const insertEvent = db.prepare(
  "INSERT INTO events (request_id, uuid, type, published) VALUES (?, ?, ?, ?)",
);
const commit = db.transaction((batch) => {
  for (const r of batch) {
    const id = insertRequest.run(JSON.stringify(r.headers), r.body).lastInsertRowid;
    for (const e of r.events)
      insertEvent.run(id, e?.uuid ?? null, e?.eventType ?? null, e?.published ?? null);
  }
});

const agent = new Agent({ keepAliveTimeout: 2000 });
const queue = [];
let active = 0;
function pump() {
  while (active < 8 && queue.length) {
    const body = queue.shift();
    active++;
    request(target, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
      dispatcher: agent,
    })
      .then((r) => r.body.dump())
      .catch(() => {})
      .finally(() => {
        active--;
        pump();
      });
  }
}

let turn = [];
let scheduled = false;
function flush() {
  scheduled = false;
  const batch = turn;
  turn = [];
  commit(batch);
  for (const r of batch) {
    r.res.writeHead(200, { "content-length": "0" });
    r.res.end();
    queue.push(r.body);
  }
  pump();
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    let json;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      res.writeHead(400, { "content-length": "0" });
      res.end();
      return;
    }
    const events = Array.isArray(json?.data?.events) ? json.data.events : [];
    turn.push({ headers: req.rawHeaders, body, events, res });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
