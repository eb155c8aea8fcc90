import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    pool: "forks",
    // Most files wait on spawned processes, sockets and timers, not the CPU: on a 2-core
    // machine vitest would run one file at a time (4+ min); three at once take under 2.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    reporters: ["default"],
  },
});
