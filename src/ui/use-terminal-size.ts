import { useStdout } from "ink";
import { useEffect, useState } from "react";

/** Terminal size in character cells. */
export interface TerminalSize {
  columns: number;
  rows: number;
}

/** Smallest size the layout is designed for. */
export const MIN_SIZE: TerminalSize = { columns: 80, rows: 24 };

/** The terminal's size, updated on 'resize'; `fixed` pins it (tests). */
export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({
    columns: stdout.columns || MIN_SIZE.columns,
    rows: stdout.rows || MIN_SIZE.rows,
  });
  const [size, setSize] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read only depends on stdout
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}
