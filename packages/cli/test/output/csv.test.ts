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

  it('keeps text a spreadsheet would run as a formula as text, and numbers as numbers', () => {
    expect(
      toCsv([
        { name: '=HYPERLINK("http://x","y")', other: '+1', at: '@SUM(A1)', minus: '-2+3', n: -5, ok: 'a=b' },
        { name: '\t=1', other: '\r=1', at: 'plain', minus: 'x', n: 0, ok: '' },
      ]),
    ).toBe(
      'name,other,at,minus,n,ok\r\n' +
        `"'=HYPERLINK(""http://x"",""y"")",'+1,'@SUM(A1),'-2+3,-5,a=b\r\n` +
        `'\t=1,"'\r=1",plain,x,0,\r\n`,
    );
  });
});
