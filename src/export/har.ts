import { STATUS_CODES } from "node:http";
import { forwardHeaders } from "../forward/headers.js";
import { headerValue } from "../listen/auth.js";
import { shortId } from "../store/ids.js";
import type { HeaderPairs } from "../store/types.js";
import { REDACTED } from "../text/redact.js";
import { toJson } from "../text/sanitize.js";
import { listenerAnswer } from "./answer.js";
import { attemptRecord, deliveryRecord } from "./ndjson.js";
import {
  EXPORT_FORMAT_VERSION,
  type ExportedAttempt,
  type ExportedDelivery,
  encodeBytes,
  iso,
  RECORD_KINDS,
} from "./record.js";

// HAR 1.2: http://www.softwareishard.com/blog/har-12-spec/ (Jan Odvarko), the format every
// browser's network panel imports. Custom fields start with `_` as the spec allows.

type Har = Record<string, unknown>;

/** The opening of a HAR document, up to the first entry (entries follow, comma-separated). */
export function harHead(o: { okhook: string; exportedAt: number }): string {
  const log = {
    version: "1.2",
    creator: { name: "okhook", version: o.okhook },
    comment: `okhook export of ${iso(o.exportedAt)}: per delivery, the request Okta made and okhook's answer, then each forward attempt (okhook → your app). Stored secrets stay [redacted].`,
    _okhook: { version: EXPORT_FORMAT_VERSION, kinds: [...RECORD_KINDS] },
  };
  const json = toJson({ log: { ...log, entries: [] } });
  return `${json.slice(0, -"]}}".length)}\n`;
}

/** The end of a HAR document, after the last entry. */
export const HAR_TAIL = "\n]}}\n";

/** The HAR entries of one delivery: the request Okta made, then one per forward attempt. */
export function harEntries(d: ExportedDelivery): Har[] {
  return [deliveryEntry(d), ...d.attempts.map((a) => attemptEntry(d, a))];
}

/** The entries of one delivery as text to append to `harHead` (`first`: no leading comma). */
export function harEntriesText(d: ExportedDelivery, first: boolean): string {
  return harEntries(d)
    .map((e, i) => `${first && i === 0 ? "" : ",\n"}${toJson(e)}`)
    .join("");
}

function deliveryEntry(d: ExportedDelivery): Har {
  const answer = listenerAnswer(d);
  const wait = d.ackMs ?? 0;
  const what = `${d.kind}${d.events.length ? `, ${d.events.length} event${d.events.length > 1 ? "s" : ""}` : ""}`;
  return {
    startedDateTime: iso(d.receivedAt),
    time: wait,
    request: request(d.method, requestUrl(d), d.headers, d),
    response: {
      ...response(d.status, answer.headers, Buffer.from(answer.body, "utf8")),
      comment: "okhook's answer, rebuilt from the stored status and reason",
    },
    cache: {},
    timings: { send: 0, wait, receive: 0 },
    comment: `sender → okhook: ${shortId(d.id)} (${what}, auth ${d.auth})${d.reason ? `: ${d.reason}` : ""}`,
    _okhook: {
      version: EXPORT_FORMAT_VERSION,
      record: "delivery",
      delivery: deliveryRecord(d, false),
    },
  };
}

function attemptEntry(d: ExportedDelivery, a: ExportedAttempt): Har {
  const auth = d.headers.find(([, v]) => v === REDACTED)?.[0];
  const sent = forwardHeaders(
    d.headers,
    { header: auth ?? "authorization", value: auth ? REDACTED : undefined },
    {
      deliveryId: d.id,
      attempt: a.attempt,
      replay: a.kind === "replay",
      replayOf: a.kind === "replay" ? d.id : undefined,
      receivedAt: d.receivedAt,
    },
  );
  const pairs: HeaderPairs = Object.entries(sent).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((one): [string, string] => [k, one]),
  );
  const wait = a.durationMs ?? 0;
  const { response: _r, ...meta } = attemptRecord(a);
  const res =
    a.status === null
      ? { ...response(0, [], null), _error: a.error ?? "no answer" }
      : response(a.status, a.responseHeaders ?? [], a.response);
  return {
    startedDateTime: iso(a.startedAt),
    time: wait,
    request: request(d.method, safeUrl(a.target), pairs, d),
    response: {
      ...res,
      ...(a.responseHeaders ? {} : { comment: "the app's headers were not recorded" }),
    },
    cache: {},
    timings: { send: 0, wait, receive: 0 },
    comment: `okhook → app: ${a.kind} attempt ${a.attempt} of ${shortId(d.id)}${a.status !== null ? `: ${a.status}` : `: ${a.error ?? "no answer"}`}${a.slow ? " (slow: Okta would have timed out)" : ""}`,
    _okhook: { version: EXPORT_FORMAT_VERSION, record: "attempt", deliveryId: d.id, attempt: meta },
  };
}

function request(method: string, url: string, headers: HeaderPairs, d: ExportedDelivery): Har {
  const body = encodeBytes(d.body);
  const mimeType = headerValue(d.headers, "content-type") ?? "application/octet-stream";
  const postData =
    body.text === null
      ? undefined
      : {
          mimeType,
          text: body.text,
          ...(body.encoding === "base64" ? { _encoding: "base64" } : {}),
        };
  return {
    method,
    url,
    httpVersion: "HTTP/1.1",
    cookies: [],
    headers: headers.map(([name, value]) => ({ name, value })),
    queryString: queryOf(url),
    ...(postData ? { postData } : {}),
    headersSize: -1,
    bodySize: d.body ? d.body.length : d.size > 0 ? -1 : 0,
    ...(d.body && d.body.length < d.size
      ? { comment: `only the first ${d.body.length} of ${d.size} body bytes were kept` }
      : d.body === null && d.size > 0
        ? { comment: `the ${d.size}-byte body was not kept` }
        : {}),
  };
}

function response(status: number, headers: HeaderPairs, body: Buffer | null): Har {
  const content = encodeBytes(body);
  return {
    status,
    statusText: status ? (STATUS_CODES[status] ?? "") : "",
    httpVersion: "HTTP/1.1",
    cookies: [],
    headers: headers.map(([name, value]) => ({ name, value })),
    content: {
      size: body?.length ?? 0,
      mimeType: headerValue(headers, "content-type") ?? "",
      ...(content.text !== null ? { text: content.text } : {}),
      ...(content.encoding === "base64" ? { encoding: "base64" } : {}),
    },
    redirectURL: "",
    headersSize: -1,
    bodySize: body?.length ?? 0,
  };
}

/** Where the sender posted: the Host it addressed (the tunnel's hostname), else the loopback. */
function requestUrl(d: ExportedDelivery): string {
  const host = headerValue(d.headers, "host");
  const proto = headerValue(d.headers, "x-forwarded-proto")?.split(",")[0]?.trim();
  const scheme = proto === "https" ? "https" : "http";
  const path = d.path.startsWith("/") ? d.path : `/${d.path}`;
  // Concatenated, not resolved: a path like `//evil.example/` stays a path on this host.
  for (const origin of [host ? `${scheme}://${host}` : undefined, "http://localhost"]) {
    try {
      if (origin) return new URL(`${origin}${path}`).href;
    } catch {
      // a Host header or path that is not one (anything can arrive on the public URL)
    }
  }
  return "http://localhost/";
}

function safeUrl(target: string): string {
  try {
    return new URL(target).href;
  } catch {
    return "http://localhost/";
  }
}

function queryOf(url: string): { name: string; value: string }[] {
  return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
}
