import { percentileOfSorted } from '@transcriber/queries';
import type { BenchmarkStatistics } from '../types';
import { tCritical95 } from './studentT';

/**
 * Statistics of the successful iterations' durations (`samples`, ms), given how many iterations
 * ran in all and how long all of them took. Percentiles interpolate between ranks (type 7), the
 * same definition the monitor and the CLI use.
 */
export function computeStatistics(samples: Float64Array, iterations: number, totalTimeMs: number): BenchmarkStatistics {
  const n = samples.length;
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += samples[i];
  const mean = n === 0 ? NaN : sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (samples[i] - mean) ** 2;
  const stdDev = n < 2 ? (n === 1 ? 0 : NaN) : Math.sqrt(squares / (n - 1));
  return {
    iterations,
    totalTimeMs,
    avgTimeMs: mean,
    minTimeMs: n === 0 ? NaN : sorted[0],
    maxTimeMs: n === 0 ? NaN : sorted[n - 1],
    medianTimeMs: percentileOfSorted(sorted, 50),
    stdDevMs: stdDev,
    p95TimeMs: percentileOfSorted(sorted, 95),
    p99TimeMs: percentileOfSorted(sorted, 99),
    // With one sample the interval is unbounded; NaN says "unknown" rather than a false 0.
    marginOfErrorMs: n < 2 ? NaN : (tCritical95(n - 1) * stdDev) / Math.sqrt(n),
    throughputPerSec: totalTimeMs > 0 ? (n * 1000) / totalTimeMs : NaN,
    successRate: iterations === 0 ? 0 : n / iterations,
  };
}
