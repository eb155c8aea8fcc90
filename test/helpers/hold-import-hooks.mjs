// Module hooks for hold-import.mjs (they run in node's loader thread).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Never hold longer than this: the test fails on its own deadline, the child is not stuck. */
const HOLD_LIMIT_MS = 20_000;
let dir = "";
let module = "";
let held = false;

export function initialize(data) {
  dir = data.dir;
  module = data.module;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (!held && resolved.url.endsWith(module)) {
    held = true;
    writeFileSync(join(dir, "reached"), resolved.url);
    const deadline = Date.now() + HOLD_LIMIT_MS;
    while (!existsSync(join(dir, "signalled")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return resolved;
}
