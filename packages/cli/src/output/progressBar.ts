const CLEAR_LINE = '\r\u001b[2K';
const WIDTH = 24;

/**
 * One line on a terminal redrawn in place: `[#######.......] label  detail`. Only on a TTY (a pipe
 * or a CI log gets no control codes and no noise); `clear()` removes it before the next output.
 */
export class ProgressBar {
  private drawn = false;

  private constructor(private readonly out: NodeJS.WriteStream) {}

  /** A bar on `out` if it is a terminal, else undefined. */
  static on(out: NodeJS.WriteStream): ProgressBar | undefined {
    return out.isTTY === true ? new ProgressBar(out) : undefined;
  }

  draw(label: string, done: number, total: number, detail = ''): void {
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(share * WIDTH);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
    const line = `${bar} ${label}  ${detail}`;
    const columns = this.out.columns || 80; // a pseudo-terminal may report 0
    this.out.write(CLEAR_LINE + (line.length >= columns ? line.slice(0, columns - 1) : line));
    this.drawn = true;
  }

  clear(): void {
    if (!this.drawn) return;
    this.out.write(CLEAR_LINE);
    this.drawn = false;
  }
}
