import { toCsv } from '../../src/output/csv';

describe('toCsv', () => {
  it('writes a header of every key in first-seen order, CRLF lines, and quotes only when needed', () => {
    expect(
      toCsv([
        { a: 1, b: 'plain' },
        { b: 'with, comma', c: true },
        { a: null, b: 'say "hi"\nthere', c: NaN },
      ]),
    ).toBe('a,b,c\r\n1,plain,\r\n,"with, comma",true\r\n,"say ""hi""\nthere",\r\n');
    expect(toCsv([])).toBe('\r\n');
  });
});
