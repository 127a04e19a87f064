import type { Style } from './style';

/** One segment of a stacked bar: a stage and its time. */
export interface BarSegment {
  /** The letter the segment is drawn with; the slowest segment's is upper case. */
  letter: string;
  ms: number | null;
}

/**
 * A stacked bar of stages, `width` columns standing for `scaleMs`: each stage drawn with its own
 * letter, the `slowest` (an index) in upper case and bold red in colour, so it reads without colour too.
 * Columns are shared out by largest remainder, so the bar's length is true to the total.
 */
export function stageBar(
  segments: readonly BarSegment[],
  slowest: number,
  scaleMs: number,
  width: number,
  style: Style,
): string {
  const times = segments.map((s) => (s.ms !== null && s.ms > 0 ? s.ms : 0));
  const total = times.reduce((a, b) => a + b, 0);
  if (total === 0 || scaleMs <= 0) return '';
  const columns = Math.round((Math.min(total, scaleMs) / scaleMs) * width);
  const exact = times.map((ms) => (ms / total) * columns);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r);
  const missing = columns - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) counts[byRemainder[k].i]++;
  return segments
    .map((s, i) => {
      if (counts[i] === 0) return '';
      if (i === slowest) return style.red(style.bold(s.letter.toUpperCase().repeat(counts[i])));
      return s.letter.toLowerCase().repeat(counts[i]);
    })
    .join('');
}
