// The reconcile core as it can run before `okhook reconcile` exists: OktaClient.listLogs
// paging the fake Okta, diffEvents comparing by uuid, and a LocalEvents over the okhook
// database. The receipts of the window are loaded with ONE range scan (by published, which
// every receipt of an event shares) into a Map; only uuids not in it (the missing ones, or
// receipts stored with another published) cost an indexed point query. A point query per
// System Log event instead (events JOIN deliveries by uuid) was 15 us x 400,000 = 6 s alone.
// Prints the report's counts as JSON. Run as a child so wall time and peak RSS are its own.
// Usage: OKTA_API_TOKEN=… node reconcile-core.mjs <orgUrl> <db> <sinceIso> <untilIso>
import Database from "better-sqlite3";
import { OktaClient } from "../../dist/okta/client.js";
import { diffEvents } from "../../dist/reconcile/diff.js";

const [orgUrl, dbFile, since, until] = process.argv.slice(2);
const db = new Database(dbFile, { readonly: true, fileMustExist: true });
const COLUMNS = `e.uuid AS uuid, e.event_type AS eventType, e.published AS published,
  d.received_at AS receivedAt, d.id AS deliveryId`;
const byUuid = db.prepare(
  `SELECT ${COLUMNS} FROM events e JOIN deliveries d ON d.seq = e.delivery_seq WHERE e.uuid = ?`,
);
const inWindow = db.prepare(
  `SELECT ${COLUMNS} FROM events e JOIN deliveries d ON d.seq = e.delivery_seq
   WHERE e.published >= ? AND e.published < ? AND e.uuid IS NOT NULL`,
);
const window = new Map();
for (const row of inWindow.iterate(since, until)) {
  const list = window.get(row.uuid);
  if (list) list.push(row);
  else window.set(row.uuid, [row]);
}
const local = {
  byUuid: (uuid) => window.get(uuid) ?? byUuid.all(uuid),
  inWindow: () => [...window.values()].flat(),
};
const client = new OktaClient({ orgUrl, apiToken: process.env.OKTA_API_TOKEN });
const report = await diffEvents({
  remote: client.listLogs({ since, until }),
  local,
  maxDetails: 100,
});
db.close();
process.stdout.write(`${JSON.stringify(report.counts)}\n`);
