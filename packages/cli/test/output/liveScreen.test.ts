import { LiveScreen } from '../../src/output/liveScreen';

/** A terminal of a given size that keeps what is written to it. */
function terminal(isTTY: boolean, rows = 5, columns = 10) {
  const writes: string[] = [];
  const out = { isTTY, rows, columns, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { out, writes };
}

describe('LiveScreen', () => {
  it('draws each frame in one write: home, each line then clear-to-end-of-line, then clear-to-end-of-screen', () => {
    const { out, writes } = terminal(false);
    const screen = new LiveScreen(out);
    screen.draw('a\nbb\n');
    screen.draw('c');
    screen.close();
    expect(writes).toEqual(['\u001b[Ha\u001b[K\nbb\u001b[K\u001b[J', '\u001b[Hc\u001b[K\u001b[J', '\n']);
  });

  it('on a TTY: alternate screen and hidden cursor, frames cut to the screen, terminal restored once', () => {
    const { out, writes } = terminal(true, 3, 6);
    const screen = new LiveScreen(out);
    screen.draw('1234567890\n\u001b[31mred text\u001b[39m\nthree\nfour');
    screen.close();
    screen.close();
    screen.draw('after close');
    expect(writes).toEqual([
      '\u001b[?1049h\u001b[?25l\u001b[H123456\u001b[0m\u001b[K\n\u001b[31mred te\u001b[0m\u001b[K\n…\u001b[K\u001b[J',
      '\u001b[?25h\u001b[?1049l',
    ]);
  });
});
