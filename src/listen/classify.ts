import { INLINE_EVENT_TYPES, type InlineTypeName, inlineTypeOf } from "../inline/types.js";
import type { AuthState, DeliveryKind, ParsedEvent } from "../store/types.js";
import { checkAuth } from "./auth.js";
import { parseEnvelope } from "./parse-events.js";

/** Listener settings that decide how a request is classified. */
export interface ClassifyConfig {
  hookPath: string;
  /** Path of inline hook requests (answered synchronously by the app); none when undefined. */
  inlinePath?: string;
  secret: string | undefined;
  authHeader: string;
}

/** A received request, body fully read (or known to be too large). */
export interface IncomingRequest {
  method: string;
  path: string;
  header: (name: string) => string | undefined;
  body: Buffer | null;
  tooLarge: boolean;
}

/** What to store and what to answer. */
export interface Classification {
  kind: DeliveryKind;
  status: number;
  auth: AuthState;
  reason: string | null;
  events: ParsedEvent[];
  envelopeEventId: string | null;
  responseHeaders: Record<string, string>;
  responseBody: string;
  /** An inline hook request: its type and parsed body (the answer comes from the app). */
  inline?: { type: InlineTypeName; request: Record<string, unknown> };
}

const result = (
  kind: DeliveryKind,
  status: number,
  auth: AuthState,
  extra: Partial<Classification> = {},
): Classification => ({
  kind,
  status,
  auth,
  reason: null,
  events: [],
  envelopeEventId: null,
  responseHeaders: {},
  responseBody: "",
  ...extra,
});

const text = (reason: string): Partial<Classification> => ({
  reason,
  responseHeaders: { "content-type": "text/plain; charset=utf-8" },
  responseBody: `${reason}\n`,
});

/**
 * Classify a request per cli.md "okhook listen" 1–4. Pure: no I/O, never throws. `auth`: the
 * auth header already checked for this request (the listener checks it once, before the body).
 */
export function classify(
  req: IncomingRequest,
  cfg: ClassifyConfig,
  auth = authOf(req, cfg),
): Classification {
  const decided = classifyHead(req, cfg, auth);
  if (decided) return decided;
  if (req.path === cfg.inlinePath) return classifyInline(req.body ?? Buffer.alloc(0), auth);
  return classifyBody(req.body ?? Buffer.alloc(0), auth, senderKind(req));
}

/**
 * What okhook itself sent, so reconcile and wait never mistake it for Okta's: `send
 * fixture` marks its deliveries, `replay --via-listener` (and any okhook replay) sends
 * `x-okhook-replay: true`.
 */
function senderKind(req: Pick<IncomingRequest, "header">): "delivery" | "fixture" | "replay" {
  if (req.header("x-okhook-fixture") !== undefined) return "fixture";
  return req.header("x-okhook-replay") === "true" ? "replay" : "delivery";
}

/**
 * The answer that method, path, auth (and a body known to be too large) decide without the
 * body: 404, verification, 405, 413, 401. Undefined when the body decides. The listener asks
 * before reading a body, so a request that fails auth never has its body buffered.
 */
export function classifyHead(
  req: Omit<IncomingRequest, "body">,
  cfg: ClassifyConfig,
  auth = authOf(req, cfg),
): Classification | undefined {
  if (req.path === cfg.inlinePath && req.method !== "POST") {
    // Inline hooks have no verification GET: Okta only POSTs (CON "HTTP method").
    return result("method_not_allowed", 405, auth, {
      reason: `method ${req.method} not allowed on the inline hook path`,
      responseHeaders: { allow: "POST" },
    });
  }
  if (req.path !== cfg.hookPath && req.path !== cfg.inlinePath)
    return result("not_found", 404, auth, { reason: "unknown path" });
  const challenge = req.header("x-okta-verification-challenge");
  if (req.method === "GET" && challenge !== undefined) {
    return result("verification", 200, auth, {
      responseHeaders: { "content-type": "application/json" },
      responseBody: JSON.stringify({ verification: challenge }),
    });
  }
  if (req.method !== "POST") {
    return result("method_not_allowed", 405, auth, {
      reason: `method ${req.method} not allowed`,
      responseHeaders: { allow: "POST, GET" },
    });
  }
  // a stranger's oversized body is a 401 like any other of theirs: 413 only tells Okta's size
  if (auth === "missing" || auth === "wrong") {
    return result("rejected", 401, auth, { reason: `auth header ${auth}` });
  }
  if (req.tooLarge) return result("too_large", 413, auth, text("body too large"));
  return undefined;
}

/** The request's auth header against the secret (a digest and a constant-time compare). */
export function authOf(req: Pick<IncomingRequest, "header">, cfg: ClassifyConfig): AuthState {
  return checkAuth(req.header(cfg.authHeader), cfg.secret);
}

function classifyBody(
  body: Buffer,
  auth: AuthState,
  kind: "delivery" | "fixture" | "replay",
): Classification {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return result("invalid", 400, auth, text("body is not JSON"));
  }
  const envelope = parseEnvelope(json);
  if ("error" in envelope) return result("invalid", 400, auth, text(envelope.error));
  return result(kind, 200, auth, {
    events: envelope.events,
    envelopeEventId: envelope.eventId,
  });
}

function classifyInline(body: Buffer, auth: AuthState): Classification {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return result("invalid", 400, auth, text("body is not JSON"));
  }
  const request = json as Record<string, unknown> | null;
  const type = request && typeof request === "object" ? inlineTypeOf(request.eventType) : undefined;
  if (!type || !request) {
    const known = Object.values(INLINE_EVENT_TYPES).join(", ");
    return result("invalid", 400, auth, text(`eventType is not an inline hook type (${known})`));
  }
  const eventId = typeof request.eventId === "string" ? request.eventId : null;
  // The status is the app's (or okhook's fallback); set when the answer is known.
  return result("inline", 0, auth, { envelopeEventId: eventId, inline: { type, request } });
}
