const BLOCKS = '▁▂▃▄▅▆▇█';

export interface SparklineOptions {
  /** Most points drawn; a longer series shows its latest. Default 30. */
  width?: number;
  /**
   * Smallest spread drawn as the full height, as a share of the mean (e.g. 0.1): differences
   * smaller than what counts as a change stay near the middle instead of filling the chart.
   */
  minRelativeRange?: number;
}

/**
 * A one-line chart of `values` from low (▁) to high (█). Non-finite values are drawn as spaces;
 * a series that moves less than `minRelativeRange` of its mean keeps to the middle rows.
 */
export function sparkline(values: readonly number[], options: SparklineOptions = {}): string {
  const shown = values.slice(-(options.width ?? 30));
  const finite = shown.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '';
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const range = Math.max(max - min, Math.abs(mean) * (options.minRelativeRange ?? 0));
  const low = range > max - min ? (min + max) / 2 - range / 2 : min;
  return shown
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      if (range === 0) return BLOCKS[3];
      return BLOCKS[Math.round(((v - low) / range) * (BLOCKS.length - 1))];
    })
    .join('');
}
