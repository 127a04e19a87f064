/**
 * Log-scale latency buckets of the per-minute span rollup (`span_rollup`): 16 buckets per doubling,
 * so one bucket spans a factor of 2^(1/16) ≈ 1.044 and a percentile read from the buckets is within
 * 4.5% (relative) of the exact one. Durations under 1 µs share the lowest bucket.
 */
export const BUCKETS_PER_DOUBLING = 16;
export const SMALLEST_BUCKETED_MS = 0.001;

/** The bucket of a duration in ms. The migration's SQL backfill uses the same formula. */
export function latencyBucketOf(durationMs: number): number {
  return Math.floor(Math.log2(Math.max(durationMs, SMALLEST_BUCKETED_MS)) * BUCKETS_PER_DOUBLING);
}

/** Start of the minute of a time in µs since the epoch. */
export function minuteOf(timeUs: number): number {
  return timeUs - (((timeUs % 60_000_000) + 60_000_000) % 60_000_000);
}

/** What a window knows about one bucket: how many durations fell in it and their extremes. */
export interface BucketCount {
  bucket: number;
  count: number;
  minMs: number;
  maxMs: number;
}

/**
 * The q-th percentile (0–100) from bucket counts sorted by bucket: the rank is found as in
 * percentileOfSorted (type 7), then placed between the smallest and largest duration seen in its
 * bucket by its position there. Exact when a bucket holds one value, within one bucket's width
 * (4.5%) otherwise. NaN when empty.
 */
export function percentileOfBuckets(buckets: readonly BucketCount[], q: number): number {
  let total = 0;
  for (const b of buckets) total += b.count;
  if (total === 0) return NaN;
  const rank = (Math.min(Math.max(q, 0), 100) / 100) * (total - 1);
  let before = 0;
  for (const b of buckets) {
    if (rank < before + b.count) {
      const position = rank - before;
      return b.count === 1 ? b.minMs : b.minMs + ((b.maxMs - b.minMs) * position) / (b.count - 1);
    }
    before += b.count;
  }
  return buckets[buckets.length - 1].maxMs;
}
