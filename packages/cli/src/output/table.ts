import { type Style, visibleWidth } from './style';

export interface Column<T> {
  header: string;
  /** Numbers read best right-aligned. Default: left. */
  align?: 'left' | 'right';
  value(row: T): string;
}

/** An aligned text table: bold header, columns two spaces apart, no trailing spaces. */
export function formatTable<T>(columns: readonly Column<T>[], rows: readonly T[], style: Style): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => visibleWidth(r[i]))));
  const line = (values: string[], header: boolean) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(widths[i] - visibleWidth(v));
        const text = header ? style.bold(v) : v;
        return columns[i].align === 'right' ? pad + text : text + pad;
      })
      .join('  ')
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      true,
    ),
    ...cells.map((r) => line(r, false)),
  ].join('\n');
}
