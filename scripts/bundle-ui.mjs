#!/usr/bin/env node
// Build step after tsc: bundle the Ink UI (dist/ui/mount.js and all it imports: our components,
// ink, react, yoga's wasm) into that same file. Node loads ESM one file at a time, and ink
// alone pulls in ~570 files (es-toolkit/compat is 415 of them for one `throttle`): ~400 ms
// before the first frame on a tiny database. One bundled file loads in ~100 ms.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const ui = fileURLToPath(new URL("../dist/ui/", import.meta.url));

rmSync(`${ui}chunks`, { recursive: true, force: true });
// tsc's map describes the unbundled file; a wrong map is worse than none
rmSync(`${ui}mount.js.map`, { force: true });
await build({
  input: `${ui}mount.js`,
  platform: "node",
  // ink imports react-devtools-core only when DEV=true; it is not installed.
  // string-width stays one module shared with src/text/width.ts (the same 8.x ink asks for;
  // wrap-ansi's 7.x has the same call): its Unicode-property regexes (RGI_Emoji…) take tens of
  // ms to compile, once instead of once per copy, and the TUI measures exactly as tables do.
  external: ["react-devtools-core", "string-width"],
  // The CLI always runs React's production build (see selectProductionReact in config.ts).
  transform: { define: { "process.env.NODE_ENV": '"production"' } },
  output: {
    dir: ui,
    format: "esm",
    entryFileNames: "mount.js",
    chunkFileNames: "chunks/[name]-[hash].js",
    sourcemap: false,
  },
  logLevel: "warn",
});
