// The reconcile core without the CLI around it: OktaClient.listLogs paging the fake Okta
// (one page read ahead), and diffEvents against StoreLocalEvents, whose window receipts are
// read in ONE range scan into a compact index (a point query per System Log event instead
// was 15 us x 400,000 = 6 s alone). Prints the report's counts as JSON. Run as a child so
// wall time and peak RSS are its own (`npm run bench -- reconcile --core`).
// Usage: OKTA_API_TOKEN=… node reconcile-core.mjs <orgUrl> <db> <sinceIso> <untilIso>
import { OktaClient } from "../../dist/okta/client.js";
import { diffEvents } from "../../dist/reconcile/diff.js";
import { readAhead } from "../../dist/reconcile/read-ahead.js";
import { openDb } from "../../dist/store/db.js";
import { StoreLocalEvents } from "../../dist/store/local-events.js";
import { Store } from "../../dist/store/store.js";

const [orgUrl, dbFile, since, until] = process.argv.slice(2);
const store = new Store(openDb(dbFile, { readonly: true }));
const local = new StoreLocalEvents(store, { since: Date.parse(since), until: Date.parse(until) });
const client = new OktaClient({ orgUrl, apiToken: process.env.OKTA_API_TOKEN });
const report = await diffEvents({
  remote: readAhead(client.listLogs({ since, until })),
  local,
  maxDetails: 100,
});
store.db.close();
process.stdout.write(`${JSON.stringify(report.counts)}\n`);
