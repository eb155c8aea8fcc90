// Replay floor: read every stored body from an okhook database and POST it to a target with
// a bare undici loop, `concurrency` requests in flight. Prints {"sent":n,"ok":n}.
// Usage: node undici-sender.mjs <db> <url> <concurrency>
import Database from "better-sqlite3";
import { request } from "undici";

const [dbFile, url, concurrencyRaw] = process.argv.slice(2);
const db = new Database(dbFile, { readonly: true, fileMustExist: true });
const rows = db.prepare("SELECT body FROM deliveries WHERE body IS NOT NULL ORDER BY seq").all();
db.close();

let next = 0;
let ok = 0;
async function worker() {
  while (next < rows.length) {
    const { body } = rows[next++];
    const res = await request(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    await res.body.dump();
    if (res.statusCode >= 200 && res.statusCode < 300) ok++;
  }
}
await Promise.all(Array.from({ length: Number(concurrencyRaw) }, worker));
process.stdout.write(`${JSON.stringify({ sent: rows.length, ok })}\n`);
