import { ProgressBar } from '../../src/output/progressBar';

// A stand-in terminal: records what is written, as a TTY of 60 columns would receive it.
function terminal(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 60, write: (chunk: string) => writes.push(chunk) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('ProgressBar', () => {
  it('is not drawn at all when the stream is not a terminal', () => {
    expect(ProgressBar.on(terminal(false).stream)).toBeUndefined();
  });

  it('redraws one line in place and clears it', () => {
    const { stream, writes } = terminal(true);
    const bar = ProgressBar.on(stream)!;
    bar.draw('stt / decode', 25, 100, 'measure 25/100');
    bar.draw('stt / decode', 100, 100, 'measure 100/100');
    bar.clear();
    bar.clear(); // nothing drawn any more: nothing written
    expect(writes).toEqual([
      '\r\u001b[2K[######..................] stt / decode  measure 25/100',
      '\r\u001b[2K[########################] stt / decode  measure 100/100',
      '\r\u001b[2K',
    ]);
  });

  it('never wraps: a long line is cut to the terminal width', () => {
    const { stream, writes } = terminal(true);
    ProgressBar.on(stream)!.draw('x'.repeat(100), 1, 2);
    expect(writes[0].length - '\r\u001b[2K'.length).toBe(59);
  });
});
