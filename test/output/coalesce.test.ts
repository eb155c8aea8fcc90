import { describe, expect, it } from "vitest";
import { coalescedWriter } from "../../src/output/coalesce.js";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("coalescedWriter", () => {
  it("writes one turn's lines in one write, in order, and flushes on demand", async () => {
    const writes: string[] = [];
    const w = coalescedWriter({ write: (s: string) => writes.push(s) });
    w.write("a\n");
    w.write("b\n");
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(["a\nb\n"]);
    w.write("c\n");
    w.flush();
    expect(writes).toEqual(["a\nb\n", "c\n"]);
    await turn();
    expect(writes).toHaveLength(2);
  });

  it("does not hold more than 64 KiB within a turn", () => {
    const writes: string[] = [];
    const w = coalescedWriter({ write: (s: string) => writes.push(s) });
    const line = `${"x".repeat(1023)}\n`;
    for (let i = 0; i < 100; i++) w.write(line);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((s) => s.length <= 64 * 1024 + line.length)).toBe(true);
    w.flush();
    expect(writes.join("")).toBe(line.repeat(100));
  });
});
