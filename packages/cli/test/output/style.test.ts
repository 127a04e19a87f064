import { styleFor } from '../../src/output/style';

const stream = (isTTY: boolean) => ({ isTTY, columns: 120 }) as unknown as NodeJS.WriteStream;

describe('styleFor', () => {
  it('colours a TTY only, never with NO_COLOR, and a pipe with FORCE_COLOR', () => {
    expect(styleFor(stream(true), {}).color).toBe(true);
    expect(styleFor(stream(false), {}).color).toBe(false);
    expect(styleFor(stream(true), { NO_COLOR: '1' }).color).toBe(false);
    expect(styleFor(stream(false), { FORCE_COLOR: '1' }).color).toBe(true);
    expect(styleFor(stream(false), { FORCE_COLOR: '0' }).color).toBe(false);
    expect(styleFor(stream(false), {}).red('x')).toBe('x');
    expect(styleFor(stream(true), {}).columns).toBe(120);
  });
});
