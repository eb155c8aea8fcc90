import type { ChalkInstance } from "chalk";

/** Width of the bar itself, in cells. */
const BAR_CELLS = 24;
/** Redraw at most this often; lines written above it always redraw. */
const REDRAW_INTERVAL_MS = 50;

const CLEAR_LINE = "\r\u001b[2K";

/**
 * A one-line progress bar for a TTY that other lines can be printed above. Hand-rolled: it is
 * twenty lines, and it has to share the terminal with the per-delivery lines.
 */
export class ProgressBar {
  private done = 0;
  private note = "";
  private shown = false;
  private lastDraw = 0;

  constructor(
    private readonly write: (s: string) => unknown,
    private readonly total: number,
    private readonly c: ChalkInstance,
    /** How `done` of `total` reads (default `12/40`; import shows megabytes). */
    private readonly amount: (done: number, total: number) => string = (d, t) => `${d}/${t}`,
  ) {}

  /** Print `text` (ending in a newline) above the bar. */
  above(text: string): void {
    this.write(`${this.shown ? CLEAR_LINE : ""}${text}`);
    this.shown = false;
    this.draw();
  }

  /** Move the bar to `done` of the total (redrawn at most every 50 ms, and at the end). */
  update(done: number, note = ""): void {
    this.set(done, note);
    if (Date.now() - this.lastDraw >= REDRAW_INTERVAL_MS || done >= this.total) this.draw();
  }

  /** Set the count without drawing: the next `above` draws it (under the line it prints). */
  set(done: number, note = ""): void {
    this.done = done;
    this.note = note;
  }

  /** Remove the bar (before the summary). */
  clear(): void {
    if (this.shown) this.write(CLEAR_LINE);
    this.shown = false;
  }

  private draw(): void {
    const ratio = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const filled = Math.round(ratio * BAR_CELLS);
    const bar = this.c.cyan("█".repeat(filled)) + this.c.dim("░".repeat(BAR_CELLS - filled));
    const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
    this.write(`${CLEAR_LINE}${bar} ${this.amount(this.done, this.total)} ${pct}  ${this.note}`);
    this.shown = true;
    this.lastDraw = Date.now();
  }
}
