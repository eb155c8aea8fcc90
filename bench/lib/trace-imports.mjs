// `node --import ./bench/lib/trace-imports.mjs …` records every resolved module URL into the
// file named by OKHOOK_BENCH_TRACE, so the startup scenario can say what `--help` loads.
import { register } from "node:module";

register(new URL("./trace-hooks.mjs", import.meta.url));
