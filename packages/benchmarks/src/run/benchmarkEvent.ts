import type { AnyValueMap } from '@opentelemetry/api-logs';
import { BENCHMARK_ATTR, EVENT_ATTR } from '@transcriber/instrumentation';
import type { BenchmarkResult } from '../types';

/**
 * The attributes of a `transcriber.benchmark.result` event for a result. Statistics that are
 * NaN (no successful iteration) are left out and stored as NULL. Samples go as little-endian
 * float64 bytes (8 bytes each, exact, and readable back by any SQLite client).
 */
export function benchmarkEventAttributes(result: BenchmarkResult): AnyValueMap {
  const attributes: AnyValueMap = {
    [BENCHMARK_ATTR.NAME]: result.name,
    [EVENT_ATTR.COMPONENT]: result.component,
    [BENCHMARK_ATTR.STATE]: result.state,
    [BENCHMARK_ATTR.ITERATIONS]: result.iterations,
    [BENCHMARK_ATTR.SAMPLES]: encodeFloat64LE(result.samples),
    [BENCHMARK_ATTR.ENVIRONMENT]: JSON.stringify(result.environment),
    [BENCHMARK_ATTR.ENVIRONMENT_KEY]: result.environmentKey,
    [BENCHMARK_ATTR.METADATA]: JSON.stringify(result.metadata),
    // Types and counts only: messages may carry user content.
    [BENCHMARK_ATTR.FAILURES]: JSON.stringify(result.failures.map(({ errorType, count }) => ({ errorType, count }))),
    [EVENT_ATTR.DETAILS]: JSON.stringify(details(result)),
  };
  const numbers: [string, number][] = [
    [BENCHMARK_ATTR.TOTAL_MS, result.totalTimeMs],
    [BENCHMARK_ATTR.AVG_MS, result.avgTimeMs],
    [BENCHMARK_ATTR.MIN_MS, result.minTimeMs],
    [BENCHMARK_ATTR.MAX_MS, result.maxTimeMs],
    [BENCHMARK_ATTR.MEDIAN_MS, result.medianTimeMs],
    [BENCHMARK_ATTR.STDDEV_MS, result.stdDevMs],
    [BENCHMARK_ATTR.P95_MS, result.p95TimeMs],
    [BENCHMARK_ATTR.P99_MS, result.p99TimeMs],
    [BENCHMARK_ATTR.MARGIN_OF_ERROR_MS, result.marginOfErrorMs],
    [BENCHMARK_ATTR.THROUGHPUT_PER_SEC, result.throughputPerSec],
    [BENCHMARK_ATTR.SUCCESS_RATE, result.successRate],
  ];
  for (const [key, value] of numbers) if (Number.isFinite(value)) attributes[key] = value;
  return attributes;
}

/** What has no column of its own: warm-up, limits, the verdict and the pipeline breakdown. */
function details(result: BenchmarkResult): Record<string, unknown> {
  const out: Record<string, unknown> = { warmupIterations: result.warmupIterations };
  if (result.state === 'timed-out') out.timeoutMs = result.timeoutMs;
  if (result.state === 'completed') {
    const { verdict, effectPercent, pValue, baselineRuns, baselineMedianMs } = result.regression;
    out.regression = { verdict, effectPercent, pValue, baselineRuns, baselineMedianMs };
    if (result.componentShares !== undefined) out.componentShares = result.componentShares;
  }
  return out;
}

function encodeFloat64LE(samples: Float64Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setFloat64(i * 8, samples[i], true);
  return bytes;
}
