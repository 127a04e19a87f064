import { latencyBucketOf, minuteOf, percentileOfBuckets } from '../../src/rollup/latencyBuckets';

describe('latency buckets', () => {
  it('are 16 per doubling, each at most 4.5% wide, with everything under 1 µs in the lowest', () => {
    expect(latencyBucketOf(1)).toBe(0);
    expect(latencyBucketOf(2)).toBe(16);
    expect(latencyBucketOf(1.04)).toBe(0);
    expect(latencyBucketOf(1.05)).toBe(1);
    expect(latencyBucketOf(0)).toBe(latencyBucketOf(0.001));
    expect(latencyBucketOf(-5)).toBe(latencyBucketOf(0.001));
    for (const ms of [0.37, 3.1, 250, 9999]) {
      const b = latencyBucketOf(ms);
      const low = 2 ** (b / 16);
      const high = 2 ** ((b + 1) / 16);
      expect(ms).toBeGreaterThanOrEqual(low * (1 - 1e-12));
      expect(ms).toBeLessThan(high);
      expect(high / low - 1).toBeLessThan(0.045);
    }
  });

  it('puts a time in its minute', () => {
    expect(minuteOf(120_000_000)).toBe(120_000_000);
    expect(minuteOf(179_999_999)).toBe(120_000_000);
    expect(minuteOf(1_767_268_800_123_456)).toBe(1_767_268_800_000_000 + 0);
  });

  it('reads a percentile from buckets: exact for single values, inside the bucket otherwise', () => {
    const single = [1, 2, 3, 4, 5].map((v) => ({ bucket: latencyBucketOf(v), count: 1, minMs: v, maxMs: v }));
    expect(percentileOfBuckets(single, 0)).toBe(1);
    expect(percentileOfBuckets(single, 50)).toBe(3);
    expect(percentileOfBuckets(single, 100)).toBe(5);
    const wide = [{ bucket: 0, count: 11, minMs: 1.0, maxMs: 1.04 }];
    expect(percentileOfBuckets(wide, 50)).toBeCloseTo(1.02, 12);
    expect(percentileOfBuckets(wide, 0)).toBe(1.0);
    expect(percentileOfBuckets(wide, 100)).toBe(1.04);
    expect(percentileOfBuckets([], 50)).toBeNaN();
  });
});
