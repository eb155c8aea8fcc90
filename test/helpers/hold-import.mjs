// Preload for `node --import` that stops a spawned okhook at one exact point of its start-up,
// so a test can deliver a signal there. The first import of a module whose URL ends with
// OKHOOK_TEST_HOLD_MODULE waits (in the loader thread; the main thread keeps handling
// signals) until this process received SIGINT or SIGTERM. `<OKHOOK_TEST_HOLD_DIR>/reached`
// appears when the import is held.
import { writeFileSync } from "node:fs";
import { register } from "node:module";
import { join } from "node:path";

const dir = process.env.OKHOOK_TEST_HOLD_DIR;
const module = process.env.OKHOOK_TEST_HOLD_MODULE;
if (dir && module) {
  register(new URL("./hold-import-hooks.mjs", import.meta.url), { data: { dir, module } });
  // Runs in the same emit as okhook's own handler (registered later), so once `signalled`
  // exists okhook has seen the signal too: the held import goes on only after that.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => writeFileSync(join(dir, "signalled"), signal));
  }
}
