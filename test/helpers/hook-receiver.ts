import type { IncomingHttpHeaders } from "node:http";
import { startServer } from "./target.js";

/** How the receiver answers one request. */
export type ReceiverMode = "echo" | "wrong-echo" | "text" | "500" | "400" | "hang";

/** A request the receiver saw. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered (undefined while hanging). */
  status?: number;
}

/** A loopback endpoint playing the user's hook receiver, scripted per request. */
export interface HookReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Modes for the next requests, in order; afterwards `echo` (and 200 for POSTs). */
  script: ReceiverMode[];
  close(): Promise<void>;
}

/** Start a scripted hook receiver on 127.0.0.1 (a loopback server from target.ts). */
export async function startHookReceiver(path = "/okta/events"): Promise<HookReceiver> {
  const received: ReceivedRequest[] = [];
  const script: ReceiverMode[] = [];
  const srv = await startServer((req, res) => {
    const seen: ReceivedRequest = {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: req.body.toString(),
    };
    received.push(seen);
    const mode = script.shift() ?? "echo";
    if (mode === "hang") return;
    seen.status = mode === "500" || mode === "400" ? Number(mode) : 200;
    if (mode === "500" || mode === "400") {
      res.statusCode = Number(mode);
      return void res.end("nope");
    }
    if (req.method === "POST") {
      res.statusCode = 200;
      return void res.end();
    }
    const challenge = String(req.headers["x-okta-verification-challenge"] ?? "");
    if (mode === "text") return void res.end(`verification=${challenge}`);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ verification: mode === "wrong-echo" ? "not-it" : challenge }));
  });
  return { url: `${srv.origin}${path}`, received, script, close: srv.close };
}
