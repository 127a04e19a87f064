import type { BenchmarkRecord } from '@transcriber/queries';
import type { BenchmarkTrend, TrendPoint } from '../types';

/**
 * Groups stored runs (oldest first) by benchmark and environment and describes how each moved:
 * the latest median against the first, and the least-squares slope of the median per run (runs,
 * not days: CI runs come in bursts, and a slope over irregular gaps says more about the gaps).
 * `minEffect` (a fraction) is the change below which a trend reads as flat.
 */
export function benchmarkTrends(records: readonly BenchmarkRecord[], minEffect: number): BenchmarkTrend[] {
  const groups = new Map<string, BenchmarkTrend>();
  for (const record of records) {
    const component = record.component ?? '';
    const environmentKey = record.environmentKey ?? '';
    const key = JSON.stringify([record.name, component, environmentKey]);
    let trend = groups.get(key);
    if (trend === undefined) {
      trend = {
        name: record.name,
        component,
        environmentKey,
        points: [],
        failedRuns: 0,
        changePercent: NaN,
        slopePercentPerRun: NaN,
        direction: 'unknown',
      };
      groups.set(key, trend);
    }
    if (record.state !== 'completed' || record.medianMs === null) {
      trend.failedRuns++;
      continue;
    }
    const point: TrendPoint = {
      timeMs: record.timeUs / 1000,
      medianMs: record.medianMs,
      avgMs: record.avgMs ?? NaN,
      p95Ms: record.p95Ms ?? NaN,
    };
    const commit = record.environment?.gitCommit;
    if (typeof commit === 'string') point.gitCommit = commit;
    trend.points.push(point);
  }
  for (const trend of groups.values()) describe(trend, minEffect);
  return [...groups.values()];
}

function describe(trend: BenchmarkTrend, minEffect: number): void {
  const points = trend.points;
  if (points.length < 2) return;
  const first = points[0].medianMs;
  const last = points[points.length - 1].medianMs;
  trend.changePercent = ((last - first) / first) * 100;
  const meanMedian = points.reduce((s, p) => s + p.medianMs, 0) / points.length;
  const meanIndex = (points.length - 1) / 2;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < points.length; i++) {
    covariance += (i - meanIndex) * (points[i].medianMs - meanMedian);
    variance += (i - meanIndex) ** 2;
  }
  trend.slopePercentPerRun = (covariance / variance / meanMedian) * 100;
  trend.direction =
    Math.abs(trend.changePercent) < minEffect * 100 ? 'flat' : trend.changePercent > 0 ? 'slower' : 'faster';
}
