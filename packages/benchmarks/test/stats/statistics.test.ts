import { computeStatistics } from '@transcriber/benchmarks';

describe('computeStatistics', () => {
  it('computes every statistic of the successful samples', () => {
    const samples = Float64Array.from([4, 1, 3, 2, 5]);
    const stats = computeStatistics(samples, 6, 20);
    expect(stats.iterations).toBe(6);
    expect(stats.totalTimeMs).toBe(20);
    expect(stats.avgTimeMs).toBe(3);
    expect(stats.minTimeMs).toBe(1);
    expect(stats.maxTimeMs).toBe(5);
    expect(stats.medianTimeMs).toBe(3);
    expect(stats.stdDevMs).toBeCloseTo(Math.sqrt(2.5), 12); // sample (n − 1) standard deviation
    expect(stats.p95TimeMs).toBeCloseTo(4.8, 12); // type 7: 1 + 0.95 × 4 = rank 4.8
    expect(stats.p99TimeMs).toBeCloseTo(4.96, 12);
    // t(0.975, 4) = 2.776445105; s/√n = 1.58114/2.23607
    expect(stats.marginOfErrorMs).toBeCloseTo((2.776445105 * Math.sqrt(2.5)) / Math.sqrt(5), 8);
    expect(stats.throughputPerSec).toBe(250); // 5 successes in 20 ms
    expect(stats.successRate).toBeCloseTo(5 / 6, 12);
  });

  it('does not reorder the caller’s samples', () => {
    const samples = Float64Array.from([3, 1, 2]);
    computeStatistics(samples, 3, 6);
    expect(Array.from(samples)).toEqual([3, 1, 2]);
  });

  it('gives NaN, not zeros, when nothing succeeded', () => {
    const stats = computeStatistics(new Float64Array(0), 4, 10);
    expect(stats.avgTimeMs).toBeNaN();
    expect(stats.medianTimeMs).toBeNaN();
    expect(stats.marginOfErrorMs).toBeNaN();
    expect(stats.successRate).toBe(0);
    expect(stats.throughputPerSec).toBe(0);
  });

  it('has no margin of error for a single sample', () => {
    const stats = computeStatistics(Float64Array.from([7]), 1, 7);
    expect(stats.stdDevMs).toBe(0);
    expect(stats.marginOfErrorMs).toBeNaN();
  });
});
