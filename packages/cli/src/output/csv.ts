type Cell = string | number | boolean | null | undefined;

/** RFC 4180 CSV: a header of every key (in first-seen order), CRLF line ends, quoting when needed. */
export function toCsv(rows: readonly Record<string, Cell>[]): string {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
  }
  const lines = [keys.map(quote), ...rows.map((row) => keys.map((k) => quote(row[k])))];
  return lines.map((cells) => cells.join(',')).join('\r\n') + '\r\n';
}

/**
 * A text cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return
 * before one): names received over OTLP are anyone's, and `=HYPERLINK(…)` in a span name must stay
 * text. Prefixed with an apostrophe, as OWASP advises. Numbers are written as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function quote(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
