// Baseline: the minimal durable server, the honest floor for "stored before acknowledged"
// (issue 10): see durable-core.mjs for exactly what it does before each 200.
// Usage: node durable-server.mjs <db file> [port]
import { startDurableServer } from "./durable-core.mjs";

startDurableServer({ file: process.argv[2], port: Number(process.argv[3] ?? 0) });
