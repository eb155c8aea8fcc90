import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeFault } from "./faults.js";
import { type FakeReply, oktaError, oktaId } from "./okta-shapes.js";
import type { LinkMode } from "./system-log.js";

const MAX_BODY_BYTES = 1024 * 1024;

/** The Link mode a fault asks for. */
export function linkModeOf(fault: FakeFault | undefined): LinkMode {
  if (fault?.kind === "missing-link") return "missing";
  if (fault?.kind === "looping-link") return "looping";
  return "normal";
}

/** The OAuth scope an endpoint needs. */
export function scopeFor(method: string, path: string): string {
  if (path.startsWith("/api/v1/logs")) return "okta.logs.read";
  if (path.startsWith("/api/v1/inlineHooks")) {
    return method === "GET" ? "okta.inlineHooks.read" : "okta.inlineHooks.manage";
  }
  return method === "GET" ? "okta.eventHooks.read" : "okta.eventHooks.manage";
}

/** A `.manage` scope also grants the matching `.read`. */
export function coversRead(granted: string, wanted: string): boolean {
  return wanted.endsWith(".read") && granted === wanted.replace(/\.read$/, ".manage");
}

/** Parse a JSON body, or answer Okta's 400 E0000003. */
export function withJson(body: string, then: (parsed: unknown) => FakeReply): FakeReply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return oktaError(400, "E0000003", "The request body was not well-formed.");
  }
  return then(parsed);
}

/** The reply with its body cut in half (a connection lost mid-answer). */
export function truncate(reply: FakeReply): FakeReply {
  const text = reply.text ?? JSON.stringify(reply.body ?? null);
  return {
    ...reply,
    body: undefined,
    text: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
  };
}

/** Write a reply with the common headers (Date, X-Rate-Limit-*, X-Okta-Request-Id). */
export function write(res: ServerResponse, reply: FakeReply, common: Record<string, string>): void {
  const text = reply.text ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
  res.statusCode = reply.status;
  for (const [k, v] of Object.entries(common)) res.setHeader(k, v);
  res.setHeader("X-Okta-Request-Id", oktaId("aQ", 27));
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  if (reply.status !== 204) {
    res.setHeader("Content-Type", reply.contentType ?? "application/json");
    res.setHeader("Content-Length", Buffer.byteLength(text));
  }
  res.end(reply.status === 204 ? undefined : text);
}

/** The request body as text (capped). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
