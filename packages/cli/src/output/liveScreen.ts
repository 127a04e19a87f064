import { visibleWidth } from './style';

const ESC = '\u001b[';
const ENTER_ALTERNATE = `${ESC}?1049h`;
const LEAVE_ALTERNATE = `${ESC}?1049l`;
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const HOME = `${ESC}H`;
const CLEAR_LINE_END = `${ESC}K`;
const CLEAR_SCREEN_END = `${ESC}J`;

/**
 * Redraws a whole frame in place without flicker or scrolling: the cursor goes home, each line
 * overwrites the old one and clears what is left of it, then the rest of the screen is cleared —
 * nothing is ever blanked before it is redrawn, and each frame is one write. On a TTY the frames go
 * to the alternate screen (the shell's scrollback stays as it was) and are cut to the terminal's
 * height so the screen never scrolls. `close()` restores the terminal.
 */
export class LiveScreen {
  private opened = false;
  private closed = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  draw(frame: string): void {
    if (this.closed) return;
    let prefix = '';
    if (!this.opened) {
      this.opened = true;
      if (this.out.isTTY) prefix = ENTER_ALTERNATE + HIDE_CURSOR;
    }
    const lines = this.fit(frame.replace(/\n+$/, '').split('\n'));
    this.out.write(prefix + HOME + lines.map((l) => l + CLEAR_LINE_END).join('\n') + CLEAR_SCREEN_END);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.opened && this.out.isTTY) this.out.write(SHOW_CURSOR + LEAVE_ALTERNATE);
    else if (this.opened) this.out.write('\n');
  }

  private fit(lines: string[]): string[] {
    // A terminal that reports no size (0, e.g. a pty nobody sized) gets the frame uncut.
    if (!this.out.isTTY || !this.out.rows || !this.out.columns) return lines;
    const rows = this.out.rows;
    const columns = this.out.columns;
    const shown = lines.length > rows ? [...lines.slice(0, rows - 1), '…'] : lines;
    return shown.map((line) => truncate(line, columns));
  }
}

/** Cuts a line to `columns` visible characters, keeping colour escapes intact. */
function truncate(line: string, columns: number): string {
  if (visibleWidth(line) <= columns) return line;
  let out = '';
  let width = 0;
  for (let i = 0; i < line.length && width < columns; i++) {
    if (line[i] === '\u001b') {
      const end = line.indexOf('m', i);
      if (end !== -1) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    out += line[i];
    width += 1;
  }
  return out + `${ESC}0m`;
}
