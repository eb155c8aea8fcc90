// Reconcile floor: a bare undici loop paging the same fake Okta System Log (bounded query,
// limit 1000, following rel="next" verbatim) and JSON.parsing each page, which any
// comparison by uuid has to do. Prints {"pages":n,"events":n}.
// Usage: OKTA_API_TOKEN=… node undici-pager.mjs <orgUrl> <sinceIso> <untilIso>
import { request } from "undici";

const [org, since, until] = process.argv.slice(2);
const first = new URL("/api/v1/logs", org);
first.searchParams.set("since", since);
first.searchParams.set("until", until);
first.searchParams.set("limit", "1000");
first.searchParams.set("sortOrder", "ASCENDING");
const headers = { authorization: `SSWS ${process.env.OKTA_API_TOKEN}`, accept: "application/json" };

let url = first.toString();
let pages = 0;
let events = 0;
while (url) {
  const res = await request(url, { headers });
  const page = JSON.parse(await res.body.text());
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
  pages++;
  events += page.length;
  const link = [res.headers.link ?? []].flat().join(", ");
  url = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
}
process.stdout.write(`${JSON.stringify({ pages, events })}\n`);
