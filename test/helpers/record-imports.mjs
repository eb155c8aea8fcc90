// Preload for `node --import` that records every module a spawned okhook imports: one resolved
// URL per line in OKHOOK_TEST_IMPORTS_FILE (written by the hooks, in node's loader thread).
import { register } from "node:module";

const file = process.env.OKHOOK_TEST_IMPORTS_FILE;
if (file) register(new URL("./record-imports-hooks.mjs", import.meta.url), { data: { file } });
