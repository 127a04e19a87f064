import { diag, type SpanContext } from '@opentelemetry/api';
import { ComponentType, EVENT_BENCHMARK_RESULT, timeOperation } from '@transcriber/instrumentation';
import {
  benchmarkHistory,
  openForQuery,
  QueryError,
  type BenchmarkHistoryFilter,
  type BenchmarkRecord,
} from '@transcriber/queries';
import { createEventEmitter, type EventEmitter } from '@transcriber/storage/events';
import { BenchmarkInputError } from './benchmarkInputError';
import { benchmarkTrends } from './history/trends';
import { benchmarkEventAttributes } from './run/benchmarkEvent';
import { flushRegisteredSpans, pipelineBreakdown } from './run/componentShares';
import { currentEnvironment } from './run/environment';
import { measureIterations } from './run/measureIterations';
import { validateOptions } from './run/validateOptions';
import { computeStatistics } from './stats/statistics';
import { DEFAULT_REGRESSION_THRESHOLDS, detectRegression, type RegressionThresholds } from './stats/detectRegression';
import type { BenchmarkOptions, BenchmarkResult, BenchmarkTrend, CompletedBenchmark, RegressionReport } from './types';

export interface BenchmarkSuiteOptions {
  /** Iterations of a benchmark that gives none. Default 100 (PerformanceConfig.defaultBenchmarkIterations). */
  defaultIterations?: number;
  /** Time limit of a benchmark that gives none, ms. Default 300,000 (PerformanceConfig.benchmarkTimeout). */
  defaultTimeoutMs?: number;
  /** Smallest median change reported as a regression or improvement, as a fraction. Default 0.10. */
  minEffect?: number;
  /** p-value below which a difference counts. Default 0.05. */
  significance?: number;
  /** Latest completed runs whose samples form the baseline. Default 5. */
  baselineRuns?: number;
  /**
   * Makes the spans recorded so far readable in `<dataDir>/performance_metrics.db`, for the
   * breakdown of pipeline benchmarks. Default: flush the registered tracer provider and wait for
   * the data dir's SQLite writer.
   */
  flushSpans?: () => Promise<void>;
}

/** Filter of `getBenchmarkHistory` and `getBenchmarkTrends`. */
export interface HistoryQuery {
  /** How far back, in days. */
  days: number;
  name?: string;
  component?: string;
  environmentKey?: string;
}

const DAY_MS = 86_400_000;

/**
 * Runs benchmarks of voice-agent components and keeps their history. Each result is emitted as a
 * `transcriber.benchmark.result` event (samples included) and is in `benchmark_results.db` by the
 * time `runBenchmark` resolves, through the registered OTel logger provider or, with none, a
 * private one writing to `dataDir`. Create the suite after the SDK starts to use the SDK's.
 */
export class BenchmarkSuite {
  readonly dataDir: string;
  private readonly defaults: { iterations: number; timeoutMs: number };
  private readonly thresholds: RegressionThresholds;
  private readonly baselineRuns: number;
  private readonly flushSpans: () => Promise<void>;
  private readonly emitter: EventEmitter;

  constructor(dataDir: string, options: BenchmarkSuiteOptions = {}) {
    if (typeof dataDir !== 'string' || dataDir === '')
      throw new BenchmarkInputError('dataDir must be a non-empty string');
    this.dataDir = dataDir;
    this.defaults = {
      iterations: checkOption(
        'defaultIterations',
        options.defaultIterations ?? 100,
        (v) => Number.isInteger(v) && v >= 1,
      ),
      timeoutMs: checkOption('defaultTimeoutMs', options.defaultTimeoutMs ?? 300_000, (v) => v > 0),
    };
    this.thresholds = {
      minEffect: checkOption('minEffect', options.minEffect ?? DEFAULT_REGRESSION_THRESHOLDS.minEffect, (v) => v >= 0),
      significance: checkOption(
        'significance',
        options.significance ?? DEFAULT_REGRESSION_THRESHOLDS.significance,
        (v) => v > 0 && v < 1,
      ),
      minSamples: DEFAULT_REGRESSION_THRESHOLDS.minSamples,
    };
    this.baselineRuns = checkOption('baselineRuns', options.baselineRuns ?? 5, (v) => Number.isInteger(v) && v >= 1);
    this.flushSpans = options.flushSpans ?? (() => flushRegisteredSpans(dataDir));
    this.emitter = createEventEmitter({ dataDir });
  }

  /**
   * Warms up, then runs `fn` for `iterations` and returns its statistics, compared with the
   * history of the same benchmark in this environment. Failing iterations are counted, not
   * thrown; options that cannot run reject with a BenchmarkInputError. A `pipeline` benchmark
   * runs each iteration as a `pipeline` operation and reports each component's share of it.
   */
  async runBenchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
    const spec = validateOptions(options, this.defaults);
    const { environment, key } = currentEnvironment();
    const roots: SpanContext[] = [];
    let measuring = false;
    const fn =
      spec.component === ComponentType.PIPELINE
        ? () =>
            timeOperation(ComponentType.PIPELINE, spec.name, (op) => {
              if (measuring && op.span.isRecording()) roots.push(op.span.spanContext());
              return spec.fn();
            })
        : spec.fn;
    const measurement = await measureIterations(fn, {
      iterations: spec.iterations,
      warmupIterations: spec.warmupIterations,
      timeoutMs: spec.timeoutMs,
      onProgress: spec.onProgress,
      onMeasureStart: () => (measuring = true),
    });
    const base = {
      name: spec.name,
      component: spec.component,
      startedAtMs: measurement.startedAtMs,
      warmupIterations: spec.warmupIterations,
      samples: measurement.samples,
      failures: measurement.failures,
      environment,
      environmentKey: key,
      metadata: spec.metadata,
      ...computeStatistics(measurement.samples, measurement.iterations, measurement.totalTimeMs),
    };
    let result: BenchmarkResult;
    if (measurement.timedOut) {
      result = {
        ...base,
        state: 'timed-out',
        timeoutMs: spec.timeoutMs,
        error: `timed out after ${spec.timeoutMs} ms with ${measurement.iterations} of ${spec.iterations} iterations measured`,
      };
    } else if (measurement.samples.length === 0) {
      const types = measurement.failures.map((f) => `${f.errorType} ×${f.count}`).join(', ');
      const first = measurement.failures[0]?.firstMessage;
      result = {
        ...base,
        state: 'errored',
        error: `all ${measurement.iterations} iterations failed (${types})${first ? `: ${first}` : ''}`,
      };
    } else {
      const completed: CompletedBenchmark = {
        ...base,
        state: 'completed',
        regression: this.compareWithHistory(spec.name, spec.component, key, measurement.samples),
      };
      if (spec.component === ComponentType.PIPELINE) await this.addBreakdown(completed, roots);
      result = completed;
    }
    this.emitter.emit(EVENT_BENCHMARK_RESULT, benchmarkEventAttributes(result));
    await this.emitter.flush();
    return result;
  }

  /** Stored runs of the last `days` days, oldest first (empty when nothing was recorded yet). */
  getBenchmarkHistory(query: HistoryQuery): BenchmarkRecord[] {
    if (typeof query?.days !== 'number' || !(query.days > 0)) {
      throw new BenchmarkInputError(`days must be a positive number, got ${JSON.stringify(query?.days)}`);
    }
    return this.readHistory({
      sinceUs: (Date.now() - query.days * DAY_MS) * 1000,
      name: query.name,
      component: query.component,
      environmentKey: query.environmentKey,
    });
  }

  /** How each benchmark moved over the last `days` days (see BenchmarkTrend). */
  getBenchmarkTrends(query: HistoryQuery): BenchmarkTrend[] {
    return benchmarkTrends(this.getBenchmarkHistory(query), this.thresholds.minEffect);
  }

  /** Releases the private event provider, if the suite made one. */
  async shutdown(): Promise<void> {
    await this.emitter.shutdown();
  }

  private compareWithHistory(
    name: string,
    component: string,
    environmentKey: string,
    samples: Float64Array,
  ): RegressionReport {
    let baseline: BenchmarkRecord[];
    try {
      baseline = this.readHistory({
        sinceUs: 0,
        name,
        component,
        environmentKey,
        state: 'completed',
        order: 'newest',
        limit: this.baselineRuns,
      });
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      diag.warn(`transcriber: benchmark history unreadable: ${err.message}`);
      return {
        ...detectRegression(samples, [], this.thresholds),
        summary: `history could not be read: ${err.message}`,
      };
    }
    return detectRegression(
      samples,
      baseline.map((run) => run.samples),
      this.thresholds,
    );
  }

  private async addBreakdown(result: CompletedBenchmark, roots: SpanContext[]): Promise<void> {
    try {
      const breakdown = await pipelineBreakdown(this.dataDir, roots, this.flushSpans);
      if ('shares' in breakdown) result.componentShares = breakdown.shares;
      else result.componentSharesUnavailable = breakdown.unavailable;
    } catch (err) {
      result.componentSharesUnavailable = `reading the run's spans failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private readHistory(filter: BenchmarkHistoryFilter): BenchmarkRecord[] {
    let db;
    try {
      db = openForQuery(this.dataDir, 'benchmark_results');
    } catch (err) {
      if (err instanceof QueryError && (err.reason === 'missing-database' || err.reason === 'missing-data-dir'))
        return [];
      throw err;
    }
    try {
      return benchmarkHistory(db, filter);
    } finally {
      db.close();
    }
  }
}

function checkOption(name: string, value: number, valid: (v: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) {
    throw new BenchmarkInputError(`invalid BenchmarkSuite option ${name}: ${JSON.stringify(value)}`);
  }
  return value;
}
