import type { BenchmarkRecord } from './benchmarkHistory';
import { percentileOfSorted } from './percentile';

/** One run of a benchmark as a history chart shows it: its median and spread, its verdict. */
export interface BenchmarkRunPoint {
  id: number;
  timeUs: number;
  /** `completed`, `errored`, `timed-out`. */
  state: string | null;
  iterations: number;
  medianMs: number | null;
  /** First and third quartile of the run's samples (its spread). */
  q1Ms: number | null;
  q3Ms: number | null;
  p95Ms: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** Against the runs before it: `regression`, `improvement`, `no-change`, `insufficient-history`. */
  verdict: string | null;
  effectPercent: number | null;
  pValue: number | null;
  gitCommit: string | null;
}

/** One benchmark's history in one environment, oldest run first. */
export interface BenchmarkSeries {
  name: string;
  component: string | null;
  environmentKey: string | null;
  environment: Record<string, unknown> | null;
  runs: BenchmarkRunPoint[];
  /** The latest run's component shares (pipeline benchmarks), largest first. */
  componentShares: { component: string; sharePercent: number; avgSelfMsPerIteration: number; spans: number }[];
}

/**
 * Stored runs (benchmarkHistory, oldest first) grouped per benchmark (name, component) and
 * environment: history is compared like with like, as regression detection does.
 */
export function benchmarkSeries(records: readonly BenchmarkRecord[]): BenchmarkSeries[] {
  const groups = new Map<string, BenchmarkSeries>();
  for (const r of records) {
    const key = JSON.stringify([r.name, r.component, r.environmentKey]);
    let series = groups.get(key);
    if (series === undefined) {
      series = {
        name: r.name,
        component: r.component,
        environmentKey: r.environmentKey,
        environment: r.environment,
        runs: [],
        componentShares: [],
      };
      groups.set(key, series);
    }
    const sorted = Float64Array.from(r.samples).sort();
    const regression = objectOf(r.details?.regression);
    const commit = r.environment?.gitCommit;
    series.runs.push({
      id: r.id,
      timeUs: r.timeUs,
      state: r.state,
      iterations: r.iterations,
      medianMs: r.medianMs,
      q1Ms: sorted.length === 0 ? null : percentileOfSorted(sorted, 25),
      q3Ms: sorted.length === 0 ? null : percentileOfSorted(sorted, 75),
      p95Ms: r.p95Ms,
      minMs: r.minMs,
      maxMs: r.maxMs,
      verdict: typeof regression?.verdict === 'string' ? regression.verdict : null,
      effectPercent: numberOf(regression?.effectPercent),
      pValue: numberOf(regression?.pValue),
      gitCommit: typeof commit === 'string' ? commit : null,
    });
    const shares = r.details?.componentShares;
    if (Array.isArray(shares) && shares.length > 0) {
      series.componentShares = shares
        .map((s) => objectOf(s))
        .filter((s): s is Record<string, unknown> => s !== null && typeof s.component === 'string')
        .map((s) => ({
          component: s.component as string,
          sharePercent: numberOf(s.sharePercent) ?? 0,
          avgSelfMsPerIteration: numberOf(s.avgSelfMsPerIteration) ?? 0,
          spans: numberOf(s.spans) ?? 0,
        }))
        .sort((a, b) => b.sharePercent - a.sharePercent);
    }
  }
  return [...groups.values()];
}

function objectOf(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
