/** How numbers are shown to people; JSON output keeps the raw values. */

/** The service a view was limited to, for its heading (`, service X`); nothing for the default. */
export function serviceScope(service: string | null | undefined): string {
  return service === null || service === undefined ? '' : ` · service ${service}`;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '-';
  return `${(share * 100).toFixed(share > 0 && share < 0.001 ? 2 : 1)}%`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const sign = value < 0 ? '-' : '';
  let n = Math.abs(value);
  let unit = 0;
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit += 1;
  }
  return `${sign}${unit === 0 ? n.toFixed(0) : n.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * A number with its thousands grouped as en-US writes them ("1,234,567.5"), at most 3 decimals.
 * Not `toLocaleString`: its first call loads ICU's number formatting, ~20 ms of a CLI run.
 */
export function count(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const [whole, fraction] = String(Math.round(Math.abs(value) * 1000) / 1000).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Local wall-clock time of a microsecond timestamp, to the millisecond. */
export function clock(timeUs: number): string {
  const d = new Date(Math.floor(timeUs / 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
