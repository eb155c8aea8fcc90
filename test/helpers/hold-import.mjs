// Preload for `node --import` that stops a spawned okhook at one exact point of its start-up,
// so a test can deliver a signal there. The first import of a module whose URL ends with
// OKHOOK_TEST_HOLD_MODULE waits (in the loader thread; the main thread keeps handling
// signals) until this process received SIGINT or SIGTERM. `<OKHOOK_TEST_HOLD_DIR>/reached`
// appears when the import is held.
import { writeFileSync } from "node:fs";
import { register } from "node:module";
import { join } from "node:path";
import { MessageChannel } from "node:worker_threads";

const dir = process.env.OKHOOK_TEST_HOLD_DIR;
const module = process.env.OKHOOK_TEST_HOLD_MODULE;
if (dir && module) {
  const { port1, port2 } = new MessageChannel();
  register(new URL("./hold-import-hooks.mjs", import.meta.url), {
    data: { dir, module, port: port2 },
    transferList: [port2],
  });
  port1.unref();
  // Runs in the same emit as okhook's own handler (registered later), so once the hooks hear
  // of it okhook has seen the signal too: the held import goes on only after that.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      writeFileSync(join(dir, "signalled"), signal);
      port1.postMessage(signal);
    });
  }
}
