// Module hooks for hold-import.mjs (they run in node's loader thread).
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Never hold longer than this: the test fails on its own deadline, the child is not stuck. */
const HOLD_LIMIT_MS = 20_000;
let dir = "";
let module = "";
let held = false;
/** Resolves when the main thread reports the signal (a message on the port it handed over). */
let signalled = Promise.resolve();

export function initialize(data) {
  dir = data.dir;
  module = data.module;
  // The port stays referenced while waiting: it keeps this thread, and the import the main
  // thread is blocked on, alive until the message (or the deadline) comes.
  const deadline = AbortSignal.timeout(HOLD_LIMIT_MS);
  signalled = once(data.port, "message", { signal: deadline })
    .catch(() => {})
    .finally(() => data.port.close());
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (!held && resolved.url.endsWith(module)) {
    held = true;
    writeFileSync(join(dir, "reached"), resolved.url);
    await signalled;
  }
  return resolved;
}
