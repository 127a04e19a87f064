import { makeStyle, withoutColour } from '../../src/output/style';
import { formatTable } from '../../src/output/table';

describe('formatTable', () => {
  const rows = [
    { name: 'stt', ms: '12.5' },
    { name: 'audio_output', ms: '200' },
  ];
  const columns = [
    { header: 'component', value: (r: (typeof rows)[0]) => r.name },
    { header: 'ms', align: 'right' as const, value: (r: (typeof rows)[0]) => r.ms },
  ];

  it('aligns columns two spaces apart, numbers to the right, without trailing spaces', () => {
    expect(formatTable(columns, rows, makeStyle(false))).toBe(
      ['component       ms', 'stt           12.5', 'audio_output   200'].join('\n'),
    );
  });

  it('measures cells without their colour escapes', () => {
    const style = makeStyle(true);
    const coloured = formatTable(
      [columns[0], { ...columns[1], value: (r: (typeof rows)[0]) => style.red(r.ms) }],
      rows,
      style,
    );
    expect(withoutColour(coloured)).toBe(formatTable(columns, rows, makeStyle(false)));
    expect(coloured).toContain('\u001b[31m12.5\u001b[39m');
  });
});
