// Module resolve hook (runs on the loader thread): append each resolved URL to a file.
import { appendFileSync } from "node:fs";

const out = process.env.OKHOOK_BENCH_TRACE;

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (out) appendFileSync(out, `${r.url}\n`);
  return r;
}
