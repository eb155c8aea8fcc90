// The minimal durable server, shared by durable-server.mjs (the ingest baseline) and
// durable-forward-server.mjs (the forward reference): node:http reads the body and
// JSON.parses it; every request that arrives in one event-loop turn is written in ONE
// better-sqlite3 transaction (group commit; WAL, synchronous=NORMAL): the raw body + headers
// into one table and each event's uuid/type/published into a second table indexed by uuid.
// Only after the commit does every request of that turn get its 200.
import { createServer } from "node:http";
import Database from "better-sqlite3";

/**
 * Start it on `port` (0: any) and print `{"port":n}` once listening. `afterCommit(bodies)`
 * runs with the raw bodies of each committed turn, after their 200s went out.
 */
export function startDurableServer({ file, port = 0, afterCommit = () => {} }) {
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

  let turn = [];
  let scheduled = false;
  function flush() {
    scheduled = false;
    const batch = turn;
    turn = [];
    let status = 200;
    try {
      commit(batch);
    } catch {
      status = 503;
    }
    for (const r of batch) {
      r.res.writeHead(status, { "content-length": "0" });
      r.res.end();
    }
    if (status === 200) afterCommit(batch.map((r) => r.body));
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
  server.listen(port, "127.0.0.1", () => {
    process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
  });
  process.on("SIGTERM", () => {
    server.closeAllConnections();
    server.close(() => {
      db.close();
      process.exit(0);
    });
  });
}
